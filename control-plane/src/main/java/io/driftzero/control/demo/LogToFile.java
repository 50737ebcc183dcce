package io.driftzero.control.demo;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Sends the in-process server's log to a file, so the demo's output reads like a build log. */
final class LogToFile {
  private LogToFile() {}

  static void redirect(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    PatternLayoutEncoder enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%X{request_id:--}] %logger{0} - %msg%n");
    enc.start();
    FileAppender<ILoggingEvent> out = new FileAppender<>();
    out.setContext(ctx);
    out.setFile(file.toString());
    out.setEncoder(enc);
    out.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(out);
  }
}

'use strict';
// Fulcio's gRPC schema ships inside the sigstore-java jar (fulcio.proto + google/api/*.proto at the
// jar root); use it from there rather than keeping a copy in this repository.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const FILES = ['fulcio.proto', 'google/api/annotations.proto', 'google/api/http.proto', 'google/api/field_behavior.proto'];

function findJar() {
  if (process.env.SIGSTORE_JAVA_JAR) return process.env.SIGSTORE_JAVA_JAR;
  const base = path.join(os.homedir(), '.m2', 'repository', 'dev', 'sigstore', 'sigstore-java');
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort() : [];
  for (const v of versions.reverse()) {
    const jar = path.join(base, v, `sigstore-java-${v}.jar`);
    if (fs.existsSync(jar)) return jar;
  }
  throw new Error('cannot find the sigstore-java jar: pass --proto-dir, or set SIGSTORE_JAVA_JAR, or run the Maven build once');
}

/** Returns a directory holding fulcio.proto and its imports. */
function ensureProtos(protoDir, fallbackDir) {
  if (protoDir) return path.resolve(protoDir);
  if (!FILES.every((f) => fs.existsSync(path.join(fallbackDir, f)))) {
    fs.mkdirSync(fallbackDir, { recursive: true });
    execFileSync('unzip', ['-o', '-q', findJar(), ...FILES, '-d', fallbackDir]);
  }
  return fallbackDir;
}

module.exports = { ensureProtos };

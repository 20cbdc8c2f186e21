# Sourced by ./mvnw (and .ci/run, ./xenon): makes JAVA_HOME point at a JDK >= 21.
# Order: $JAVA_HOME if it is >= 21, then `java` on PATH, then the usual install folders
# (Debian/Ubuntu /usr/lib/jvm, Temurin/Zulu under /opt and /Library/Java on macOS, SDKMAN).
# Prints a clear message and fails when none is found.
xenon_java_major() {
  # $1 = path to a java binary; prints its feature version (17, 21, 25, ...) or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
xenon_find_jdk() {
  xenon_min=21
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(xenon_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$xenon_min" ]; then return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    j=$(readlink -f "$(command -v javac)" 2>/dev/null || command -v javac)
    h=$(dirname "$(dirname "$j")")
    v=$(xenon_java_major "$h/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$xenon_min" ]; then JAVA_HOME="$h"; export JAVA_HOME; return 0; fi
  fi
  best=""; bestv=0
  for h in /usr/lib/jvm/* /opt/java/* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$h/bin/javac" ] || continue
    v=$(xenon_java_major "$h/bin/java")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$xenon_min" ] && [ "$v" -gt "$bestv" ]; then best="$h"; bestv="$v"; fi
  done
  if [ -n "$best" ]; then JAVA_HOME="$best"; export JAVA_HOME; return 0; fi
  echo "Xenon needs a JDK 21 or newer and found none (JAVA_HOME='${JAVA_HOME-}', java on PATH: $(java -version 2>&1 | head -n 1))." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21/25, or set JAVA_HOME to it." >&2
  return 1
}
case $- in *f*) xenon_noglob=1 ;; *) xenon_noglob=0 ;; esac
set +f
xenon_find_jdk || exit 1
[ "$xenon_noglob" = 0 ] || set -f

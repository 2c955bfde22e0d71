# Sourced by bin/bpa4j and bin/test: finds a JDK >= 25 without anything for the user to set.
# Order: JAVA_HOME when it is one, then `java` on the PATH, then the machine's standard JVM folders.
# On success BPA4J_JAVA_HOME is the JDK's home; otherwise it prints why and returns 1.

BPA4J_MIN_JAVA=25

# Major version of a java binary (8 for "1.8.0_x"), or nothing when it does not run. The JDK's `release`
# file answers without starting a JVM (each start costs a user's every command 0.1 s or more); the binary
# itself is asked only where that file is missing.
bpa4j_java_major() {
    local line major release
    release="$(dirname "$(dirname "$1")")/release"
    if [ -r "$release" ] && line=$(grep -m1 '^JAVA_VERSION=' "$release" 2>/dev/null); then
        line="version ${line#JAVA_VERSION=}"
    else
        line=$("$1" -version 2>&1 | grep -m1 -i 'version "') || return 1
    fi
    major=$(printf '%s\n' "$line" | sed -n 's/.*version "\([0-9][0-9]*\)[^"]*".*/\1/p')
    [ -n "$major" ] || return 1
    if [ "$major" = 1 ]; then
        major=$(printf '%s\n' "$line" | sed -n 's/.*version "1\.\([0-9][0-9]*\).*/\1/p')
    fi
    printf '%s\n' "$major"
}

# True when $1 is a JDK home (java and javac) of version >= 25.
bpa4j_is_jdk() {
    local home=$1 major
    [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
    major=$(bpa4j_java_major "$home/bin/java") || return 1
    [ "$major" -ge "$BPA4J_MIN_JAVA" ]
}

bpa4j_find_jdk() {
    local tried=() candidate home
    if [ -n "${JAVA_HOME:-}" ]; then
        if bpa4j_is_jdk "$JAVA_HOME"; then
            BPA4J_JAVA_HOME=$JAVA_HOME
            return 0
        fi
        tried+=("JAVA_HOME=$JAVA_HOME")
    fi
    if candidate=$(command -v java 2>/dev/null); then
        home=$(dirname "$(dirname "$(readlink -f "$candidate")")")
        if bpa4j_is_jdk "$home"; then
            BPA4J_JAVA_HOME=$home
            return 0
        fi
        tried+=("java on the PATH ($home)")
    fi
    # newest first: sort the homes by the version their java reports
    local best="" best_major=0 major
    for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
        major=$(bpa4j_java_major "$home/bin/java") || continue
        if [ "$major" -ge "$BPA4J_MIN_JAVA" ] && [ "$major" -gt "$best_major" ]; then
            best=$home
            best_major=$major
        fi
    done
    if [ -n "$best" ]; then
        BPA4J_JAVA_HOME=$best
        return 0
    fi
    tried+=("/usr/lib/jvm/*")
    echo "bpa4j: no JDK $BPA4J_MIN_JAVA or newer found (looked at: ${tried[*]})." \
         "Install one (e.g. Temurin 25) or set JAVA_HOME to it." >&2
    return 1
}

# Maven on the PATH, or a clear message.
bpa4j_require_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        echo "bpa4j: Maven (mvn) is needed to build bpa4j but is not on the PATH; install Maven 3.8 or newer." >&2
        return 1
    fi
}

# Maven itself runs on the JDK we found; JDK 25 warns about Maven's own use of sun.misc.Unsafe.
bpa4j_maven_env() {
    export JAVA_HOME=$BPA4J_JAVA_HOME
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}

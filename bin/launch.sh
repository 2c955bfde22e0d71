# Sourced by bin/bpa4j and bin/bpa4j-spark: the two steps of a launch that must hold up under concurrent and
# interrupted use, kept here as functions so that a test runs them with a stand-in build and program
# (cli's LaunchScriptTest; docs/RELIABILITY.md, "Hostile and careless use").

# The JVM announces the incubator module on every start: the one line dropped from stderr.
BPA4J_JVM_NOTICE='^WARNING: Using incubator modules: jdk\.incubator\.vector$'

# bpa4j_build_once LOCK NEEDS BUILD: runs the command BUILD if the command NEEDS succeeds (a build is needed).
# Two first launches at once must not build into the same target/ folders: the build runs under an exclusive
# flock on the file LOCK (where the system has flock), and a launch that waited for it asks NEEDS again, so
# that it finds the other's build done instead of building again.
bpa4j_build_once() {
    local lock=$1 needs=$2 build=$3
    "$needs" || return 0
    if command -v flock >/dev/null 2>&1; then
        exec 9>>"$lock"
        flock 9
    fi
    if "$needs"; then
        "$build"
    fi
    exec 9>&-
}

# bpa4j_run COMMAND [ARGS...]: runs the command (java) with the JVM's notice dropped from its stderr, and
# returns its exit status once it has ended and its last line of stderr is written.
# SIGTERM, SIGINT and SIGHUP sent to this shell alone (kill PID, a supervisor, a timeout) are passed on, so
# that java's shutdown hook deletes its pending temporary files (docs/RELIABILITY.md, "Outputs"). For that the
# command runs in the background while the shell waits (bash runs a trap only once a foreground command
# has ended), with SIGINT and SIGQUIT back at their defaults: bash ignores them in a background command, and
# a JVM that starts with SIGINT ignored leaves it ignored. The filter ignores SIGINT (a Ctrl-C reaches the
# whole process group) and ends when java's stderr closes.
bpa4j_run() {
    local filter status
    _bpa4j_child=
    _bpa4j_signal=
    exec 8> >(grep --line-buffered -v "$BPA4J_JVM_NOTICE" >&2)
    filter=$!
    trap '_bpa4j_pass_on TERM' TERM
    trap '_bpa4j_pass_on INT' INT
    trap '_bpa4j_pass_on HUP' HUP
    # stdin given explicitly: a background command's is /dev/null otherwise
    ( trap - INT QUIT; exec "$@" 2>&8 8>&- ) <&0 &
    _bpa4j_child=$!
    exec 8>&-
    # a signal that came before the command had a PID
    [ -z "$_bpa4j_signal" ] || kill -s "$_bpa4j_signal" "$_bpa4j_child" 2>/dev/null
    while :; do
        _bpa4j_signal=
        wait "$_bpa4j_child"
        status=$?
        # wait returns early when a trapped signal comes in: the command, told, may still be finishing
        if [ -n "$_bpa4j_signal" ] && kill -0 "$_bpa4j_child" 2>/dev/null; then
            continue
        fi
        break
    done
    trap - TERM INT HUP
    # the filter's last lines are written before this returns (bash 4.4 and later can wait for it)
    wait "$filter" 2>/dev/null || true
    return "$status"
}

_bpa4j_pass_on() {
    _bpa4j_signal=$1
    [ -z "$_bpa4j_child" ] || kill -s "$1" "$_bpa4j_child" 2>/dev/null || true
}

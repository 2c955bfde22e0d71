package org.bpa4j.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the JAR's manifest (written by Maven), and the Java that runs it. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "bpa4j " + (v == null ? "(development build)" : v),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}

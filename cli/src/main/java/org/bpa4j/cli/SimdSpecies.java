package org.bpa4j.cli;

/**
 * The preferred float species of jdk.incubator.vector, read reflectively: the CLI must start (and say
 * why) when the module is not readable.
 */
final class SimdSpecies {
    private SimdSpecies() {
    }

    static String describe() {
        try {
            Class<?> floatVector = Class.forName("jdk.incubator.vector.FloatVector");
            Class<?> speciesType = Class.forName("jdk.incubator.vector.VectorSpecies");
            Object species = floatVector.getField("SPECIES_PREFERRED").get(null);
            int bits = (int) speciesType.getMethod("vectorBitSize").invoke(species);
            int lanes = (int) speciesType.getMethod("length").invoke(species);
            return "jdk.incubator.vector preferred species " + species + " (" + bits + "-bit, " + lanes
                    + " float lanes)";
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return "jdk.incubator.vector is not readable (run java with --add-modules jdk.incubator.vector)";
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "jdk.incubator.vector could not be queried: " + e;
        }
    }
}

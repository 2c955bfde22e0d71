package org.bpa4j.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bpa4j.Tensor;
import org.bpa4j.cli.Main;
import org.bpa4j.io.Npy;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless use of the command line (docs/RELIABILITY.md, "Outputs" and "Hostile and careless
 * use"): outputs that are links, devices, FIFOs or inputs; outputs replaced all or nothing, with their
 * modes; names too long; stdout that cannot be written; sizes and counts that would overflow or run for
 * hours; FIFOs as inputs; leftovers of killed runs.
 */
class HostileUseTest {
    private static final byte[] OLD = "old content".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private String x(String name) throws IOException {
        Path f = dir.resolve(name);
        Npy.write(f, RandomTensors.gaussian(5, 6, 3));
        return f.toString();
    }

    private static Tensor read(Path f) throws IOException {
        return Npy.read(f).toTensor();
    }

    /** No temporary or backup file of bpa4j in the folder. */
    private void assertNoLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".bpa4j-")).toList();
            assertEquals(List.of(), left, "leftover temporary files");
        }
    }

    @Test
    void anOutputThatIsASymbolicLinkReplacesItsTargetAndTheLinkStays() throws IOException {
        Path target = dir.resolve("real.npy");
        Files.write(target, OLD);
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), Path.of("real.npy"));
        Path linkToLink = Files.createSymbolicLink(dir.resolve("link2.npy"), link);
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", linkToLink.toString()).assertOk();
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(linkToLink), "the links stay links");
        assertEquals(List.of(6, 6), java.util.Arrays.stream(read(target).shape()).boxed().toList());
        // a dangling link: the file is created where it points
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.npy"), Path.of("new-target.npy"));
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", dangling.toString()).assertOk();
        assertTrue(Files.isSymbolicLink(dangling) && Files.isRegularFile(dir.resolve("new-target.npy")));
        assertNoLeftovers();
    }

    @Test
    void devicesAreWrittenDirectlyAndStayDevices() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull) && !Files.isRegularFile(devNull), "needs /dev/null");
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", "/dev/null").assertOk();
        assertFalse(Files.isRegularFile(devNull), "/dev/null is still a device");
    }

    @Test
    @Timeout(60)
    void aFifoOutputIsWrittenDirectlyAndAFifoInputIsRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("pipe.npy");
        assumeTrue(mkfifo(fifo), "needs mkfifo");
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", fifo.toString()).assertOk();
        byte[] got = reader.get(30, TimeUnit.SECONDS);
        assertEquals(36, Npy.parse(got, "fifo").toTensor().size());
        assertFalse(Files.isRegularFile(fifo), "the FIFO stays a FIFO");
        // as an input: refused at once, truthfully, without waiting for a writer
        CliOutcome.inProcess("transform", "--input", fifo.toString(), "--output", dir.resolve("Z.npy").toString())
                .assertRefused("pipe.npy", "not a regular file");
    }

    private static boolean mkfifo(Path p) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws IOException {
        String input = x("X.npy");
        byte[] before = Files.readAllBytes(Path.of(input));
        CliOutcome.inProcess("transform", "--input", input, "--output", input).assertRefused("same file", "--input");
        // the same file under another name: a hard link, a path with ./
        Path hard = Files.createLink(dir.resolve("hard.npy"), Path.of(input));
        CliOutcome.inProcess("transform", "--input", input, "--output", hard.toString())
                .assertRefused("same file", "--input");
        CliOutcome.inProcess("transform", "--input", input, "--output", dir.resolve(".").resolve("X.npy").toString())
                .assertRefused("same file");
        Path labels = dir.resolve("y.npy");
        Npy.write(labels, new long[] {0, 1}, 2);
        CliOutcome.inProcess("transform", "--input", input, "--labels", labels.toString(), "--output",
                labels.toString()).assertRefused("same file", "--labels");
        Path cost = dir.resolve("C.npy");
        Npy.write(cost, RandomTensors.gaussian(1, 4, 4));
        CliOutcome.inProcess("sinkhorn", "--cost", cost.toString(), "--output", dir.resolve("P.npy").toString(),
                "--grad", cost.toString(), "--grad-output", cost.toString()).assertRefused("same file", "--cost");
        assertArrayEquals(before, Files.readAllBytes(Path.of(input)));
        assertNoLeftovers();
    }

    @Test
    void severalOutputsAreAllOrNothingWhenALaterOneFails() throws IOException {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.exists(devFull) && !Files.isRegularFile(devFull), "needs /dev/full");
        Path cost = dir.resolve("C.npy");
        Npy.write(cost, RandomTensors.gaussian(1, 4, 4));
        Path p = dir.resolve("P.npy");
        Files.write(p, OLD);
        // P is renamed into place first, then the log-plan goes to a device that fails: P gets its old content back
        CliOutcome o = CliOutcome.inProcess("sinkhorn", "--cost", cost.toString(), "--output", p.toString(),
                "--log-output", devFull.toString());
        o.assertRefused("--log-output", "/dev/full", "no output was replaced");
        assertArrayEquals(OLD, Files.readAllBytes(p));
        assertNoLeftovers();
    }

    @Test
    void newOutputsFollowTheUmaskAndReplacedOnesKeepTheirMode() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "needs POSIX modes");
        // the mode the umask gives a new file, as any program creating one would get it
        Path probe = dir.resolve("probe");
        Files.newOutputStream(probe).close();
        Set<PosixFilePermission> umaskMode = Files.getPosixFilePermissions(probe);
        Path z = dir.resolve("Z.npy");
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", z.toString()).assertOk();
        assertEquals(umaskMode, Files.getPosixFilePermissions(z), "a new output has the umask's mode");
        Set<PosixFilePermission> chosen = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(z, chosen);
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", z.toString()).assertOk();
        assertEquals(chosen, Files.getPosixFilePermissions(z), "a replaced output keeps its mode");
    }

    @Test
    void namesAreCheckedBeforeComputingAndALongValidNameWorks() throws IOException {
        String longest = "a".repeat(251) + ".npy"; // 255 bytes: the temporary file's name is shortened to fit
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", dir.resolve(longest).toString())
                .assertOk();
        assertTrue(Files.isRegularFile(dir.resolve(longest)));
        String tooLong = "b".repeat(252) + ".npy";
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", dir.resolve(tooLong).toString())
                .assertRefused("--output", "256 bytes", "255");
        assertNoLeftovers();
    }

    @Test
    void aLaterRunRemovesTheLeftoversOfAProcessThatIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path leftover = dir.resolve(".Z.npy.bpa4j-" + gone.pid() + "-1.tmp");
        Files.write(leftover, OLD);
        Path mine = dir.resolve(".Z.npy.bpa4j-" + ProcessHandle.current().pid() + "-99999.tmp");
        Files.write(mine, OLD);
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", dir.resolve("Z.npy").toString())
                .assertOk();
        assertFalse(Files.exists(leftover), "the dead process's temporary file is removed");
        assertTrue(Files.exists(mine), "a live process's temporary file is left alone");
        Files.delete(mine);
    }

    @Test
    @Timeout(120)
    void sigtermWhileWritingLeavesNoTemporaryFile() throws Exception {
        Path x = dir.resolve("X.npy");
        Npy.write(x, RandomTensors.gaussian(2, 1500, 4));
        Path z = dir.resolve("Z.npy");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "transform", "--input", x.toString(), "--output", z.toString(),
                "--precision", "float64", "--backend", "reference");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // stop it once its temporary file exists (or after it finished): the hook removes what is pending
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline && !hasTemp()) {
            Thread.sleep(5);
        }
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertNoLeftovers();
    }

    private boolean hasTemp() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    @Test
    void aFailedWriteOnStandardOutputIsNotSuccess() throws IOException {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        Path z = dir.resolve("Z.npy");
        Npy.write(z, RandomTensors.gaussian(3, 8, 4).to(org.bpa4j.DType.FLOAT32));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(failing, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "bam", "--input", z.toString(), "--large-crops",
                "2", "--local-crops", "0");
        assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("standard output"));
    }

    @Test
    void sizesAndCountsThatCannotFitAreRefusedWithTheFigureNotAnOutOfMemoryError() throws IOException {
        CliOutcome.inProcess("fewshot", "--episodes", "2147483647").assertRefused("--episodes", "1000000");
        CliOutcome.inProcess("demo", "--episodes", "2147483647").assertRefused("--episodes");
        CliOutcome.inProcess("bench", "--sizes", "3000x8", "--batch", "200", "--runs", "5")
                .assertRefused("bytes");
        CliOutcome.inProcess("transform", "--input", x("X.npy"), "--output", dir.resolve("Z.npy").toString(),
                "--iterations", "2147483647").assertRefused("bytes");
    }

    /** The example of docs/RELIABILITY.md: P, logP and the gradient held together in an 80 MiB heap. */
    @Test
    @Timeout(120)
    void aSmallHeapRefusesEveryOutputItCannotHoldWithTheFigure() throws IOException {
        Path cost = dir.resolve("C.npy");
        Npy.write(cost, RandomTensors.gaussian(1, 2000, 2000).to(org.bpa4j.DType.FLOAT32));
        Path grad = dir.resolve("G.npy");
        Npy.write(grad, Tensor.zeros(org.bpa4j.DType.FLOAT32, 2000, 2000));
        CliOutcome o = CliOutcome.process(List.of("-Xmx80m"), "sinkhorn", "--cost", cost.toString(), "--output",
                dir.resolve("P.npy").toString(), "--log-output", dir.resolve("LP.npy").toString(), "--grad",
                grad.toString(), "--grad-output", dir.resolve("DC.npy").toString());
        o.assertRefused("needs about", "bytes");
        assertFalse(o.err().contains("OutOfMemoryError"), o.err());
        assertNoLeftovers();
    }

    @Test
    void overflowingOptionsGetTrueFiguresAndUnboundedWorkIsCapped() throws IOException {
        Path z = dir.resolve("Z.npy");
        Npy.write(z, RandomTensors.gaussian(3, 8, 4));
        CliOutcome.inProcess("bam", "--input", z.toString(), "--large-crops", "2147483647", "--local-crops",
                "2147483647").assertRefused("4294967294");
        CliOutcome.inProcess("bam", "--input", z.toString(), "--large-crops", "2", "--local-crops", "0",
                "--iterations", "2147483647").assertRefused("iterations", "100000");
    }

    @Test
    void resultsBeyondTheBackendsRangeAreBadInputNeverNaNOrAnInternalError() throws IOException {
        Path z = dir.resolve("Z.npy");
        Npy.write(z, RandomTensors.gaussian(3, 8, 4));
        CliOutcome.inProcess("bam", "--input", z.toString(), "--large-crops", "2", "--local-crops", "0", "--reg",
                "1e-40").assertRefused("loss", "nan");
        Path dz = dir.resolve("DZ.npy");
        Files.write(dz, OLD);
        CliOutcome.inProcess("bam", "--input", z.toString(), "--large-crops", "2", "--local-crops", "0",
                "--temperature", "1e-300", "--grad-output", dz.toString()).assertRefused("nan", "temperature");
        assertArrayEquals(OLD, Files.readAllBytes(dz));
        CliOutcome.inProcess("fewshot", "--data", z.toString(), "--episodes", "2").assertRefused("not a text csv");
        assertNoLeftovers();
    }

    @Test
    void theDefaultUnitMarginalsOfANonSquareCostAreRefusedAsGivenOnesAre() throws IOException {
        Path cost = dir.resolve("C.npy");
        Npy.write(cost, RandomTensors.gaussian(1, 5, 4));
        Path p = dir.resolve("P.npy");
        Path logP = dir.resolve("logP.npy");
        // the API's check (Sinkhorn.solve), so the command line and the library refuse the same requests
        CliOutcome.inProcess("sinkhorn", "--cost", cost.toString(), "--output", p.toString(), "--log-output",
                logP.toString()).assertRefused("Sinkhorn.solve", "same total", "Σa = 5.0", "Σb = 4.0", "5×4 cost");
        assertFalse(Files.exists(p) || Files.exists(logP), "nothing is written");
        assertNoLeftovers();
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Npy.write(a, Tensor.of(new double[] {1, 1, 1, 1, 1}, 5));
        Npy.write(b, Tensor.of(new double[] {1, 1, 1, 1}, 4));
        CliOutcome.inProcess("sinkhorn", "--cost", cost.toString(), "--a", a.toString(), "--b", b.toString(),
                "--output", p.toString()).assertRefused("same total", "5.0", "4.0");
        assertFalse(Files.exists(p), "nothing is written");
        // balanced marginals on the same cost are solved
        Npy.write(b, Tensor.of(new double[] {1.25, 1.25, 1.25, 1.25}, 4));
        CliOutcome.inProcess("sinkhorn", "--cost", cost.toString(), "--a", a.toString(), "--b", b.toString(),
                "--output", p.toString()).assertOk();
        assertEquals(List.of(5, 4), java.util.Arrays.stream(read(p).shape()).boxed().toList());
        assertNoLeftovers();
    }

    @Test
    void helpPrintsNoPicocliWarning() {
        CliOutcome o = CliOutcome.inProcess("fewshot", "--help");
        assertEquals(0, o.code());
        assertFalse(o.err().contains("WARN") || o.out().contains("WARN"), o.err());
        assertTrue(o.out().contains("Accuracy in %,"));
    }
}

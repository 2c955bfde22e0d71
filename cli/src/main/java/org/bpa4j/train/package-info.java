/**
 * The few pieces the worked trainers of {@code bpa4j train-fewshot} and {@code bpa4j train-bam} need around
 * the library's analytic backward passes: a linear layer, a two-layer ReLU network, a prototype
 * (ProtoNet) cross-entropy and Adam, in plain double-precision Java. Small and exact rather than fast;
 * a real trainer brings its own framework and calls {@link org.bpa4j.BpaResult#backward} or
 * {@link org.bpa4j.BamResult#backward()} between its layers in the same way.
 */
// part of the command line (bpa4j-cli), not of the library: the demo trainers are its only users
package org.bpa4j.train;

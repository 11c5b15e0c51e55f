/**
 * The BAM paper's study at small scale: every method of its Table 1 (Single, Multi, Single→Single, Multi→Multi,
 * Single→Multi), its ablations (Table 4) and single-task fine-tuning (Table 3), over several seeds on a GLUE
 * directory, with significance tests against the method each one is compared with.
 *
 * <p>{@link io.github.bamjava.glue.study.Study} plans the runs as {@link io.github.bamjava.glue.study.StudyJob}s
 * and runs them (several worker processes can share one study, and a stopped study continues where it stopped);
 * {@link io.github.bamjava.glue.study.StudyReport} turns the saved dev predictions into tables and plots.
 */
package io.github.bamjava.glue.study;

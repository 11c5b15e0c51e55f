/**
 * Tasks declared in a file: {@link io.github.bamjava.taskfile.TaskSet} reads a JSON task file and its data (CSV,
 * TSV or JSON Lines), checks every row before anything trains, and runs the pipeline on them; a bad file, row or
 * field is one {@link io.github.bamjava.taskfile.TaskFileException} naming the file, the line and the field.
 */
package io.github.bamjava.taskfile;

/**
 * Export of a multi-task model's tasks for the Python side: each task whose head a HuggingFace class computes
 * exactly becomes a folder {@code transformers} loads ({@link io.github.bamjava.export.SequenceClassificationExport});
 * the others are refused with the reason.
 */
package io.github.bamjava.export;

package io.github.bamjava.examples;

import io.github.bamjava.glue.GlueTask;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a GLUE task name as the GLUE directory spells it ("SST-2") or as the enum does ("SST2"). */
final class GlueTaskConverter implements ITypeConverter<GlueTask> {
  @Override
  public GlueTask convert(String value) {
    try {
      return GlueTask.byName(value.trim());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}

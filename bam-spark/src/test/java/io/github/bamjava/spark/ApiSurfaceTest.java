package io.github.bamjava.spark;

import io.github.bamjava.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/** bam-spark's public types stay inside the API packages that docs/api-packages.txt lists and carry Javadoc. */
class ApiSurfaceTest {

  @Test
  void bamSparksPublicTypesAreAllInApiOrInternalPackages() {
    ApiSurface.assertOnlyApiIsPublic(SparkPipeline.class);
  }

  @Test
  void bamSparksExportedDeclarationsAllHaveJavadoc() {
    ApiSurface.assertApiDocumented(SparkPipeline.class);
  }
}

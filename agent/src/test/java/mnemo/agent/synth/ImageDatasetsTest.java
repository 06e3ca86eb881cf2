package mnemo.agent.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The IDX loader on small files the test writes, gzip-compressed and plain, and its refusals. */
class ImageDatasetsTest {

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {true, false})
  void loadsTrainingAndTestImagesWithTheirLabels(boolean gzip, @TempDir Path dir) throws IOException {
    IdxFiles.dataset(dir, 12, 5, 3, 4, gzip);
    ImageDatasets.Dataset d = ImageDatasets.load("fashion-mnist", dir);
    assertThat(d.train().count()).isEqualTo(12);
    assertThat(d.test().count()).isEqualTo(5);
    assertThat(d.train().rows()).isEqualTo(3);
    assertThat(d.train().cols()).isEqualTo(4);
    assertThat(d.train().size()).isEqualTo(12);
    // pixel p of image i is (7i + p) mod 256, read as unsigned
    assertThat(d.train().pixel(11, 11)).isEqualTo(88);
    assertThat(d.test().pixel(4, 0)).isEqualTo(28);
    assertThat(d.train().label(11)).isEqualTo(1);
    assertThat(d.test().label(3)).isEqualTo(3);
  }

  @Test
  void pixelsAboveOneTwentySevenReadAsUnsigned(@TempDir Path dir) throws IOException {
    IdxFiles.write(dir.resolve("x"), true, new int[] {1, 1, 2}, new byte[] {(byte) 255, (byte) 128});
    IdxReader.IdxArray a = IdxReader.read(dir.resolve("x"));
    assertThat(a.dims()).containsExactly(1, 1, 2);
    ImageSet s = new ImageSet(1, 1, 2, a.data(), new byte[] {0});
    assertThat(s.pixel(0, 0)).isEqualTo(255);
    assertThat(s.pixel(0, 1)).isEqualTo(128);
  }

  @Test
  void aMissingFileNamesTheDebianPackageOrTheFilesExpected(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> ImageDatasets.find(dir, "train-images-idx3-ubyte", "fashion-mnist", true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("apt-get install dataset-fashion-mnist")
        .hasMessageContaining("train-images-idx3-ubyte")
        .hasMessageContaining(dir.toString());
    assertThatThrownBy(() -> ImageDatasets.load("fashion-mnist", dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("--data must name a folder holding train-images-idx3-ubyte");
    assertThatThrownBy(() -> ImageDatasets.load("mnist", null)).hasMessageContaining("--data DIR");
    assertThatThrownBy(() -> ImageDatasets.load("cifar", dir)).hasMessageContaining("unknown dataset");
  }

  @Test
  void truncatedAndForeignFilesAreRefusedWithTheirName(@TempDir Path dir) throws IOException {
    Path truncated = dir.resolve("short.gz");
    IdxFiles.write(truncated, true, new int[] {3, 2, 2}, new byte[5]); // announces 12 bytes
    assertThatThrownBy(() -> IdxReader.read(truncated)).hasMessageContaining("truncated")
        .hasMessageContaining("short.gz");
    Path text = dir.resolve("README");
    Files.writeString(text, "not an idx file");
    assertThatThrownBy(() -> IdxReader.read(text)).hasMessageContaining("not an IDX file");
    Path floats = dir.resolve("floats");
    Files.write(floats, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}); // type 0x0D: float32
    assertThatThrownBy(() -> IdxReader.read(floats)).hasMessageContaining("unsigned bytes");
  }

  @Test
  void labelsMustMatchTheImages(@TempDir Path dir) throws IOException {
    IdxFiles.dataset(dir, 4, 2, 2, 2, false);
    IdxFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), false, new int[] {3}, new byte[3]);
    assertThatThrownBy(() -> ImageDatasets.load("fashion-mnist", dir)).hasMessageContaining("one label per image");
  }

  @Test
  void theDebianPackageIsFoundWhereItInstalls() throws IOException {
    // ./run-tests installs dataset-fashion-mnist: the real files, 60k + 10k of 28 x 28
    ImageDatasets.Dataset d = ImageDatasets.load("fashion-mnist", null);
    assertThat(d.train().count()).isEqualTo(60_000);
    assertThat(d.test().count()).isEqualTo(10_000);
    assertThat(d.train().size()).isEqualTo(784);
    int[] perClass = new int[10];
    for (int i = 0; i < d.test().count(); i++) {
      perClass[d.test().label(i)]++;
    }
    assertThat(perClass).containsOnly(1000);
  }
}

package mnemo.envs.render;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import mnemo.envs.Frame;

/**
 * Writes {@link Frame}s as an animated GIF that loops forever (javax.imageio, headless).
 *
 * <pre>{@code
 * try (GifWriter gif = new GifWriter(Path.of("episode.gif"), 100)) {
 *   for (Frame f : frames) gif.write(f);
 * }
 * }</pre>
 *
 * <p>Each frame carries a Graphic Control Extension with the delay (GIF counts in hundredths of a
 * second) and disposal "none"; the first carries the NETSCAPE2.0 application extension with loop
 * count 0 (forever). A frame with at most 256 colours is written with an exact palette of its own
 * colours; a frame with more is quantised by the JDK's GIF writer.
 */
public final class GifWriter implements AutoCloseable {
  private static final String FORMAT = "javax_imageio_gif_image_1.0";

  private final ImageWriter writer;
  private final ImageOutputStream out;
  private final int delayCentis;
  private int frames;
  private boolean closed;

  /** Opens {@code path} (parents created) for frames shown {@code delayMillis} each (rounded to 10 ms, at least 10). */
  public GifWriter(Path path, int delayMillis) throws IOException {
    if (delayMillis <= 0) {
      throw new IllegalArgumentException("frame delay must be positive, got " + delayMillis + " ms");
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
    if (!writers.hasNext()) {
      throw new IOException("no GIF writer available in this JVM");
    }
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.deleteIfExists(path);
    this.writer = writers.next();
    this.out = ImageIO.createImageOutputStream(path.toFile());
    this.writer.setOutput(out);
    this.writer.prepareWriteSequence(null);
    this.delayCentis = Math.max(1, Math.round(delayMillis / 10f));
  }

  /** Appends one frame. Frames may differ in size; viewers show each at the top-left corner. */
  public void write(Frame frame) throws IOException {
    if (closed) {
      throw new IllegalStateException("GIF already closed");
    }
    BufferedImage img = indexed(frame);
    ImageWriteParam param = writer.getDefaultWriteParam();
    IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), param);
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);
    IIOMetadataNode gce = child(root, "GraphicControlExtension");
    gce.setAttribute("disposalMethod", "none");
    gce.setAttribute("userInputFlag", "FALSE");
    gce.setAttribute("transparentColorFlag", "FALSE");
    gce.setAttribute("delayTime", Integer.toString(delayCentis));
    gce.setAttribute("transparentColorIndex", "0");
    if (frames == 0) {
      IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
      app.setAttribute("applicationID", "NETSCAPE");
      app.setAttribute("authenticationCode", "2.0");
      app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 (little endian) = forever
      child(root, "ApplicationExtensions").appendChild(app);
    }
    try {
      meta.setFromTree(FORMAT, root);
    } catch (IIOInvalidTreeException e) {
      throw new IOException("GIF metadata rejected: " + e.getMessage(), e);
    }
    writer.writeToSequence(new IIOImage(img, null, meta), param);
    frames++;
  }

  /** Number of frames written so far. */
  public int frames() {
    return frames;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.endWriteSequence();
    } finally {
      writer.dispose();
      out.close();
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }

  /** An 8-bit indexed image with the frame's exact colours, or an RGB image when it has more than 256. */
  private static BufferedImage indexed(Frame frame) {
    int w = frame.width();
    int h = frame.height();
    Map<Integer, Integer> index = new HashMap<>();
    byte[] pixels = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = frame.rgbAt(x, y);
        Integer i = index.get(rgb);
        if (i == null) {
          if (index.size() == 256) {
            return FrameImages.toImage(frame);
          }
          i = index.size();
          index.put(rgb, i);
        }
        pixels[y * w + x] = (byte) (int) i;
      }
    }
    int size = Math.max(2, Integer.highestOneBit(Math.max(1, index.size() - 1)) << 1); // a power of two
    byte[] r = new byte[size];
    byte[] g = new byte[size];
    byte[] b = new byte[size];
    for (Map.Entry<Integer, Integer> e : index.entrySet()) {
      int c = e.getKey();
      r[e.getValue()] = (byte) (c >> 16);
      g[e.getValue()] = (byte) (c >> 8);
      b[e.getValue()] = (byte) c;
    }
    IndexColorModel cm = new IndexColorModel(8, size, r, g, b);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
    img.getRaster().setDataElements(0, 0, w, h, pixels);
    return img;
  }
}

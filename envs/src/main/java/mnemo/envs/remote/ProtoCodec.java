package mnemo.envs.remote;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.StepType;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.ActionSpec;
import mnemo.proto.env.v1.InfoColumn;
import mnemo.proto.env.v1.TimeStepBatch;

/**
 * Converts between {@code mnemo.envs} values and the {@code mnemo.env.v1} messages.
 *
 * <p>Tensor payloads are packed by {@link TensorCodec} (little-endian, row-major). A batch of N time steps is stacked along a
 * leading axis: the observation of spec shape S travels as one tensor of shape [N, ...S], so one vector
 * step costs one payload array on each side (no per-element message). Everything decoded is validated
 * against the spec, and a malformed message throws IllegalArgumentException saying what is wrong.
 */
public final class ProtoCodec {
  private ProtoCodec() {}

  // ---- dtypes ----

  public static mnemo.proto.env.v1.DType toProto(DType d) {
    return switch (d) {
      case FLOAT32 -> mnemo.proto.env.v1.DType.FLOAT32;
      case UINT8 -> mnemo.proto.env.v1.DType.UINT8;
    };
  }

  /** Observation dtypes Mnemo's environments use: FLOAT32 and UINT8 (INT32 is for actions only). */
  public static DType fromProto(mnemo.proto.env.v1.DType d) {
    return switch (d) {
      case FLOAT32 -> DType.FLOAT32;
      case UINT8 -> DType.UINT8;
      default -> throw new IllegalArgumentException("observation dtype " + d + " is not supported (FLOAT32 or UINT8)");
    };
  }

  // ---- tensors (packed by mnemo.proto.TensorCodec) ----

  /** A single tensor, packed little-endian. */
  public static mnemo.proto.env.v1.Tensor toProto(Tensor t) {
    return t.dtype() == DType.FLOAT32
        ? TensorCodec.floats(t.floats(), t.shapeView())
        : TensorCodec.bytes(t.bytes(), t.shapeView());
  }

  /** A single tensor; throws when the payload length does not match the shape. */
  public static Tensor fromProto(mnemo.proto.env.v1.Tensor t) {
    DType dtype = fromProto(t.getDtype());
    TensorCodec.checkPayload(t);
    int[] shape = TensorCodec.shape(t);
    return dtype == DType.FLOAT32 ? Tensor.ofFloats(TensorCodec.toFloats(t), shape)
        : Tensor.ofBytes(t.getData().toByteArray(), shape);
  }

  // ---- specs ----

  public static mnemo.proto.env.v1.TensorSpec toProto(TensorSpec s) {
    mnemo.proto.env.v1.TensorSpec.Builder b = mnemo.proto.env.v1.TensorSpec.newBuilder()
        .setName(s.name()).setDtype(toProto(s.dtype())).setMinimum(s.minimum()).setMaximum(s.maximum());
    for (int d : s.shape()) {
      b.addShape(d);
    }
    return b.build();
  }

  public static TensorSpec fromProto(mnemo.proto.env.v1.TensorSpec s) {
    return new TensorSpec(s.getName(), s.getShapeList().stream().mapToInt(Integer::intValue).toArray(),
        fromProto(s.getDtype()), s.getMinimum(), s.getMaximum());
  }

  public static mnemo.proto.env.v1.EnvSpec toProto(EnvSpec s) {
    return mnemo.proto.env.v1.EnvSpec.newBuilder()
        .setTaskId(s.taskId())
        .addObservations(toProto(s.observation()))
        .setAction(ActionSpec.newBuilder().setNumActions(s.numActions()).addAllNames(s.actionNames()))
        .setMaxEpisodeSteps(s.maxEpisodeSteps())
        .addAllInfoKeys(s.infoKeys())
        .build();
  }

  /** A spec from the wire; Mnemo's environments have exactly one observation tensor. */
  public static EnvSpec fromProto(mnemo.proto.env.v1.EnvSpec s) {
    if (s.getObservationsCount() != 1) {
      throw new IllegalArgumentException("task " + s.getTaskId() + " has " + s.getObservationsCount()
          + " observation tensors; Mnemo's Environment takes exactly one");
    }
    return new EnvSpec(s.getTaskId(), fromProto(s.getObservations(0)), s.getAction().getNumActions(),
        s.getAction().getNamesList(), s.getMaxEpisodeSteps(), s.getInfoKeysList());
  }

  // ---- step types ----

  public static mnemo.proto.env.v1.StepType toProto(StepType t) {
    return switch (t) {
      case FIRST -> mnemo.proto.env.v1.StepType.FIRST;
      case MID -> mnemo.proto.env.v1.StepType.MID;
      case LAST -> mnemo.proto.env.v1.StepType.LAST;
    };
  }

  public static StepType fromProto(mnemo.proto.env.v1.StepType t) {
    return switch (t) {
      case FIRST -> StepType.FIRST;
      case MID -> StepType.MID;
      case LAST -> StepType.LAST;
      default -> throw new IllegalArgumentException("step type " + t + " is not FIRST, MID or LAST");
    };
  }

  // ---- batches ----

  /** Bytes of the stacked observation payload of {@code n} steps of {@code spec}. */
  public static int payloadBytes(EnvSpec spec, int n) {
    return n * spec.observation().size() * TensorCodec.bytesPerElement(toProto(spec.observation().dtype()));
  }

  /**
   * N time steps of one task, stacked: the observations become one tensor [N, ...spec shape]; the info
   * columns are the spec's info keys that at least one step reports (NaN for the others).
   */
  public static TimeStepBatch encode(TimeStep[] steps, EnvSpec spec) {
    return encode(steps, spec, new byte[payloadBytes(spec, steps.length)]);
  }

  /**
   * Like {@link #encode(TimeStep[], EnvSpec)}, but stacks the observations into {@code payload} (at least
   * {@link #payloadBytes} long), which the returned message <b>aliases</b>: serialize the message before
   * writing into {@code payload} again. The environment server reuses one array per session this way,
   * so a vector step allocates no payload (gRPC serializes a message inside {@code onNext}).
   */
  public static TimeStepBatch encode(TimeStep[] steps, EnvSpec spec, byte[] payload) {
    int n = steps.length;
    TensorSpec os = spec.observation();
    int size = os.size();
    int bytes = payloadBytes(spec, n);
    if (payload.length < bytes) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes, " + bytes + " needed");
    }
    TimeStepBatch.Builder b = TimeStepBatch.newBuilder();
    if (os.dtype() == DType.FLOAT32) {
      java.nio.FloatBuffer fb = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      for (TimeStep ts : steps) {
        checkObservation(ts.observation(), os);
        fb.put(ts.observation().floats());
      }
    } else {
      for (int i = 0; i < n; i++) {
        checkObservation(steps[i].observation(), os);
        System.arraycopy(steps[i].observation().bytes(), 0, payload, i * size, size);
      }
    }
    int[] stacked = new int[os.shape().length + 1];
    stacked[0] = n;
    System.arraycopy(os.shape(), 0, stacked, 1, stacked.length - 1);
    // No copy: the message shares the array (see the aliasing rule above).
    mnemo.proto.env.v1.Tensor obs = TensorCodec.aliasing(toProto(os.dtype()), payload, bytes, stacked);
    for (TimeStep ts : steps) {
      b.addStepTypes(toProto(ts.type())).addRewards(ts.reward()).addDiscounts(ts.discount());
    }
    b.addObservations(obs);
    for (String key : spec.infoKeys()) {
      boolean any = false;
      for (TimeStep ts : steps) {
        any |= ts.info().containsKey(key);
      }
      if (any) {
        InfoColumn.Builder col = InfoColumn.newBuilder().setKey(key);
        for (TimeStep ts : steps) {
          col.addValues(ts.info(key));
        }
        b.addInfo(col);
      }
    }
    return b.build();
  }

  private static void checkObservation(Tensor t, TensorSpec spec) {
    if (t.dtype() != spec.dtype() || t.size() != spec.size()) {
      throw new IllegalStateException("environment returned observation " + t.dtype() + Arrays.toString(t.shapeView())
          + " but its spec says " + spec);
    }
  }

  /**
   * Splits a batch into N time steps (each with its own observation arrays, which callers may keep).
   * Throws IllegalArgumentException when the batch does not hold N steps of {@code spec}.
   */
  public static TimeStep[] decode(TimeStepBatch b, EnvSpec spec, int n) {
    if (b.getStepTypesCount() != n || b.getRewardsCount() != n || b.getDiscountsCount() != n) {
      throw new IllegalArgumentException("expected " + n + " step types, rewards and discounts, got "
          + b.getStepTypesCount() + ", " + b.getRewardsCount() + ", " + b.getDiscountsCount());
    }
    if (b.getObservationsCount() != 1) {
      throw new IllegalArgumentException("expected 1 observation tensor, got " + b.getObservationsCount());
    }
    TensorSpec os = spec.observation();
    int[] shape = os.shape();
    mnemo.proto.env.v1.Tensor obs = b.getObservations(0);
    if (fromProto(obs.getDtype()) != os.dtype() || obs.getShapeCount() != shape.length + 1
        || obs.getShape(0) != n || !sameTail(obs.getShapeList(), shape)) {
      throw new IllegalArgumentException("observations should be " + os.dtype() + " [" + n + ", "
          + Arrays.toString(shape).substring(1) + ", got " + obs.getDtype() + obs.getShapeList());
    }
    int size = os.size();
    TensorCodec.checkPayload(obs);
    float[][] infoValues = new float[b.getInfoCount()][];
    String[] infoKeys = new String[b.getInfoCount()];
    for (int k = 0; k < infoKeys.length; k++) {
      InfoColumn c = b.getInfo(k);
      if (c.getValuesCount() != n) {
        throw new IllegalArgumentException("info column '" + c.getKey() + "' has " + c.getValuesCount()
            + " values for " + n + " environments");
      }
      infoKeys[k] = c.getKey();
      infoValues[k] = new float[n];
      for (int i = 0; i < n; i++) {
        infoValues[k][i] = c.getValues(i);
      }
    }
    ByteBuffer payload = TensorCodec.littleEndian(obs);
    java.nio.FloatBuffer floats = os.dtype() == DType.FLOAT32 ? payload.asFloatBuffer() : null;
    TimeStep[] out = new TimeStep[n];
    for (int i = 0; i < n; i++) {
      Tensor t;
      if (floats != null) {
        float[] f = new float[size];
        floats.get(f);
        t = Tensor.ofFloats(f, shape);
      } else {
        byte[] bytes = new byte[size];
        payload.get(bytes);
        t = Tensor.ofBytes(bytes, shape);
      }
      Map<String, Float> info = Map.of();
      if (infoKeys.length > 0) {
        Map<String, Float> m = new HashMap<>(4);
        for (int k = 0; k < infoKeys.length; k++) {
          if (!Float.isNaN(infoValues[k][i])) {
            m.put(infoKeys[k], infoValues[k][i]);
          }
        }
        info = m.isEmpty() ? Map.of() : Map.copyOf(m);
      }
      out[i] = new TimeStep(fromProto(b.getStepTypes(i)), b.getRewards(i), b.getDiscounts(i), t, info);
    }
    return out;
  }

  private static boolean sameTail(List<Integer> wire, int[] shape) {
    for (int j = 0; j < shape.length; j++) {
      if (wire.get(j + 1) != shape[j]) {
        return false;
      }
    }
    return true;
  }
}

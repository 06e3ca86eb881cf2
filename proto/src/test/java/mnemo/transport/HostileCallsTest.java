package mnemo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ListTasksRequest;
import mnemo.transport.MnemoServerTest.FakeEnvironment;
import org.junit.jupiter.api.Test;

/** What a hostile client sends below the stubs: raw bytes, compressed bombs, doubled headers. */
class HostileCallsTest {
  private static final int CAP = 64 << 10;

  /** ListTasks with a request of raw bytes. */
  private static final MethodDescriptor<byte[], byte[]> RAW_LIST_TASKS = EnvironmentGrpc.getListTasksMethod()
      .toBuilder(new Bytes(), new Bytes()).build();

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Status.Code call(ManagedChannel ch, byte[] request, CallOptions options) {
    try {
      ClientCalls.blockingUnaryCall(ch, RAW_LIST_TASKS, options.withDeadlineAfter(10, TimeUnit.SECONDS), request);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void unparseableOversizedAndInflatingRequestsAreRefusedWithTheirCodesAndReported() {
    List<Refusal> refusals = new CopyOnWriteArrayList<>();
    try (MnemoServer server = MnemoServer.builder("test", TransportSecurity.loopback())
        .addService(new FakeEnvironment()).maxInboundMessageSize(CAP).onRefusal(refusals::add).start()) {
      ManagedChannel ch = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        assertThat(call(ch, new byte[0], CallOptions.DEFAULT)).isEqualTo(Status.Code.OK);
        // an invalid tag (field number 0)
        assertThat(call(ch, new byte[] {0, 1, 2}, CallOptions.DEFAULT)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // a length-delimited field claiming more bytes than there are
        assertThat(call(ch, new byte[] {0x0a, 0x7f, 1}, CallOptions.DEFAULT)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(call(ch, new byte[2 * CAP], CallOptions.DEFAULT)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        // an unknown 64 MiB bytes field of zeros: gzip makes it about 64 KiB, under the wire cap
        byte[] bomb = new byte[(64 << 20) + 5];
        bomb[0] = 0x7a; // field 15, length-delimited
        bomb[1] = (byte) 0x80; // varint 64 Mi = 2^26
        bomb[2] = (byte) 0x80;
        bomb[3] = (byte) 0x80;
        bomb[4] = 0x20;
        assertThat(call(ch, bomb, CallOptions.DEFAULT.withCompression("gzip"))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(call(ch, new byte[0], CallOptions.DEFAULT)).isEqualTo(Status.Code.OK);
      } finally {
        ch.shutdownNow();
      }
      awaitSize(refusals, 4);
      assertThat(refusals).extracting(Refusal::code).containsExactly(Status.Code.INVALID_ARGUMENT,
          Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refusals).allSatisfy(r -> assertThat(r.methodName()).isEqualTo("ListTasks"));
      assertThat(refusals.get(0).description()).contains("not a valid ListTasks request");
    }
  }

  /**
   * Waits up to 5 s for {@code n} refusals: the server reports a refusal from its own thread, which may
   * run after the client has already seen the call fail (the assertion after it then sees them all).
   */
  private static void awaitSize(List<Refusal> refusals, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (refusals.size() < n && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void twoAuthorizationHeadersAreRefusedEvenWhenOneIsRight() {
    List<Refusal> refusals = new CopyOnWriteArrayList<>();
    try (MnemoServer server = MnemoServer.builder("test", TransportSecurity.withToken("127.0.0.1", "s3cret"))
        .addService(new FakeEnvironment()).onRefusal(refusals::add).start()) {
      ManagedChannel ch = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        for (List<String> values : List.of(List.of("Bearer s3cret"), List.of("Bearer wrong", "Bearer s3cret"),
            List.of("Bearer s3cret", "Bearer s3cret"))) {
          Metadata h = new Metadata();
          values.forEach(v -> h.put(BearerTokenInterceptor.AUTHORIZATION, v));
          var stub = EnvironmentGrpc.newBlockingStub(ClientInterceptors.intercept(ch,
              MetadataUtils.newAttachHeadersInterceptor(h))).withDeadlineAfter(10, TimeUnit.SECONDS);
          if (values.size() == 1) {
            assertThat(stub.listTasks(ListTasksRequest.getDefaultInstance()).getTasksCount()).isEqualTo(1);
          } else {
            assertThatThrownBy(() -> stub.listTasks(ListTasksRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                  assertThat(e.getStatus().getDescription()).contains("exactly one 'authorization' header");
                });
          }
        }
      } finally {
        ch.shutdownNow();
      }
      awaitSize(refusals, 2);
      assertThat(refusals).extracting(Refusal::code).containsExactly(Status.Code.UNAUTHENTICATED,
          Status.Code.UNAUTHENTICATED);
    }
  }

  @Test
  void clientTextIsBoundedAndEscaped() {
    assertThat(ClientText.quote("actor-3")).isEqualTo("'actor-3'");
    assertThat(ClientText.quote("a\nb'")).isEqualTo("'a\\u000ab\\u0027'");
    String q = ClientText.quote("x".repeat(1 << 20));
    assertThat(q).hasSizeLessThan(120).endsWith("(+" + ((1 << 20) - ClientText.MAX_CHARS) + " chars)");
  }
}

package dev.memorag.query.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.concurrent.TimeUnit;

/**
 * Answers a frame the WebSocket decoder refuses (above all one longer than the maximum frame size, which is the
 * maximum message size) with a close frame the client can read. Vert.x would drop the connection on the spot, and a
 * client still sending that frame would get a reset instead of the close frame. Here the output is shut after the
 * close frame while the decoder reads and discards the rest, until the client closes or {@link #LINGER_SECONDS} pass.
 */
final class RefusedFrameCloser extends ChannelInboundHandlerAdapter {
    private static final long LINGER_SECONDS = 10;
    private final String tooBig;

    RefusedFrameCloser(String tooBig) {
        this.tooBig = tooBig;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof CorruptedWebSocketFrameException refused)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        WebSocketCloseStatus status = refused.closeStatus();
        String reason = status.equals(WebSocketCloseStatus.MESSAGE_TOO_BIG) ? tooBig : refused.getMessage();
        // from the pipeline's tail, so that the frame encoder, wherever it sits, encodes it
        ctx.channel()
                .writeAndFlush(new CloseWebSocketFrame(status, reason))
                .addListener(written -> ((DuplexChannel) ctx.channel()).shutdownOutput());
        ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
    }
}

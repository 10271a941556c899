import type { Socket } from 'node:dgram';

/**
 * Bursts from many nodes arrive faster than one event-loop turn drains them; a
 * bigger kernel buffer (capped by net.core.rmem_max) keeps them from being dropped.
 */
export function enlargeReceiveBuffer(socket: Socket): void {
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // The default buffer still works; it only drops sooner under bursts.
  }
}

/* ES2024 resizable ArrayBuffer, which XS implements and TypeScript 5.6's libs lack. */

interface ArrayBufferConstructor {
  new (byteLength: number, options: { maxByteLength: number }): ArrayBuffer;
}

interface ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

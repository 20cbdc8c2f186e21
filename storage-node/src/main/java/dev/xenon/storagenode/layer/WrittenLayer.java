package dev.xenon.storagenode.layer;

import java.nio.file.Path;

/**
 * A layer file just written and durable under its final name: {@code size} bytes, and the CRC32C
 * of the whole file (footer included), which the remote index keeps to check downloads.
 */
public record WrittenLayer(LayerName name, Path path, long size, int crc32c) {}

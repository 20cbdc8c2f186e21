/**
 * Layer files, the storage node's immutable on-disk (and in-S3) units of a timeline's history.
 *
 * <ul>
 *   <li>{@link dev.xenon.storagenode.layer.DeltaLayerFile}: the raw WAL of {@code [start, end)} in
 *       zstd chunks of 1 MiB, with the commits found in it; written by {@link
 *       dev.xenon.storagenode.layer.DeltaLayerWriter}.
 *   <li>{@link dev.xenon.storagenode.layer.ImageLayerFile}: an online base backup as 8 KiB blocks
 *       deduplicated by content hash against the previous image of the timeline (or its
 *       ancestors); written by {@link dev.xenon.storagenode.layer.ImageLayerWriter}, streamed back
 *       as a tar by {@link dev.xenon.storagenode.layer.ImageLayerFile#writeTar}.
 * </ul>
 *
 * Each file's layout, checksums and thread-safety are documented on the class that reads it. All
 * integers are big-endian; every file ends in a fixed-size footer with a CRC32C of the file and an
 * end magic; writers write to a temporary file and rename it atomically into place, so a file under
 * a layer name is always complete. Corruption surfaces as {@link
 * dev.xenon.storagenode.layer.LayerCorruptException}, naming the file.
 */
package dev.xenon.storagenode.layer;

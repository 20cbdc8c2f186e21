package dev.xenon.common.wal;

/**
 * A full-page image in a WAL record ({@code XLogRecordBlockImageHeader}). The image is the page
 * without its "hole" of zeros: {@code length} bytes at {@code offset} in the record's bytes,
 * compressed or not.
 *
 * @param length bytes of image data in the record
 * @param holeOffset where the hole starts in the page
 * @param holeLength bytes of zeros removed at {@code holeOffset}
 * @param info {@code bimg_info} flag bits, see BKPIMAGE_*
 * @param offset where the image data starts in the record's bytes ({@link WalRecord#body()})
 */
public record BlockImage(int length, int holeOffset, int holeLength, int info, int offset) {

    public static final int BKPIMAGE_HAS_HOLE = 0x01;
    /** Redo restores this image (rather than it being there only for consistency checking). */
    public static final int BKPIMAGE_APPLY = 0x02;

    public static final int BKPIMAGE_COMPRESS_PGLZ = 0x04;
    public static final int BKPIMAGE_COMPRESS_LZ4 = 0x08;
    public static final int BKPIMAGE_COMPRESS_ZSTD = 0x10;

    static final int COMPRESSED_MASK = BKPIMAGE_COMPRESS_PGLZ | BKPIMAGE_COMPRESS_LZ4 | BKPIMAGE_COMPRESS_ZSTD;

    /** How the image data is compressed. */
    public enum Compression {
        NONE,
        PGLZ,
        LZ4,
        ZSTD
    }

    public boolean hasHole() {
        return (info & BKPIMAGE_HAS_HOLE) != 0;
    }

    public boolean isApply() {
        return (info & BKPIMAGE_APPLY) != 0;
    }

    public boolean isCompressed() {
        return (info & COMPRESSED_MASK) != 0;
    }

    public Compression compression() {
        if ((info & BKPIMAGE_COMPRESS_PGLZ) != 0) {
            return Compression.PGLZ;
        }
        if ((info & BKPIMAGE_COMPRESS_LZ4) != 0) {
            return Compression.LZ4;
        }
        if ((info & BKPIMAGE_COMPRESS_ZSTD) != 0) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }
}

package dev.xenon.common.wal;

/**
 * A relation's file: tablespace, database and relation file number ({@code RelFileLocator}, called
 * {@code RelFileNode} before Postgres 16; same layout: three little-endian uint32). Printed as
 * {@code pg_waldump} does, {@code 1663/5/16384}.
 */
public record RelFileLocator(long spcOid, long dbOid, long relNumber) {

    /** Bytes in a WAL block header. */
    public static final int SIZE = 12;

    static RelFileLocator read(byte[] b, int off) {
        return new RelFileLocator(LittleEndian.u32(b, off), LittleEndian.u32(b, off + 4), LittleEndian.u32(b, off + 8));
    }

    @Override
    public String toString() {
        return spcOid + "/" + dbOid + "/" + relNumber;
    }
}

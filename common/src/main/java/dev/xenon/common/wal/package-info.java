/**
 * Reading PostgreSQL 15, 16 and 17 write-ahead log as Postgres lays it out on disk on x86-64
 * (little-endian, MAXALIGN 8, {@code XLOG_BLCKSZ} 8192).
 *
 * <h2>Pages</h2>
 *
 * WAL is a sequence of 8192-byte pages; segments (files) are a power-of-two number of pages. Every
 * page starts with a {@link dev.xenon.common.wal.WalPageHeader} (24 bytes, or 40 bytes on the first
 * page of each segment). Records are laid out back to back in the space after the page headers.
 *
 * <h2>Records</h2>
 *
 * A record starts at an 8-aligned position with a 24-byte {@code XLogRecord} header:
 *
 * <pre>
 * offset size field
 *      0    4 xl_tot_len  whole record, header included, page headers excluded
 *      4    4 xl_xid
 *      8    8 xl_prev     start LSN of the previous record
 *     16    1 xl_info
 *     17    1 xl_rmid     resource manager
 *     18    2 (padding)
 *     20    4 xl_crc      CRC-32C over bytes [24, xl_tot_len) and then bytes [0, 20)
 * </pre>
 *
 * A record that does not fit on its page continues right after the header of the next page (and of
 * the next segment); that page carries {@code XLP_FIRST_IS_CONTRECORD} and {@code xlp_rem_len} = the
 * bytes of the record still to come. Even the header can be split (but its first 8 bytes, so
 * {@code xl_tot_len}, are always on the first page, because records and page headers are 8-aligned).
 * The record's end ({@link dev.xenon.common.wal.WalRecord#end()}, Postgres' {@code EndRecPtr}) is
 * the position after its last byte rounded up to 8; the next record starts there, or after the page
 * header when the end is a page boundary. An {@code XLOG_SWITCH} record ends at the end of its
 * segment. The bytes after the header are described by {@link dev.xenon.common.wal.WalRecordLayout}.
 *
 * <p>{@link dev.xenon.common.wal.WalRecordScanner} walks records through a {@link
 * dev.xenon.common.wal.WalSource} and tells where valid WAL ends.
 */
package dev.xenon.common.wal;

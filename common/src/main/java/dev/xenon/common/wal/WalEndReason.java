package dev.xenon.common.wal;

/** Why a {@link WalRecordScanner} returned no record. */
public enum WalEndReason {
    /** The next record would start at or after the limit asked for. */
    LIMIT_REACHED,
    /** The source has no byte where the next record (or the page header before it) starts. */
    END_OF_DATA,
    /**
     * The next record began but was cut short: by the limit, by the end of the source's data, or by a
     * zeroed continuation page (a torn write).
     */
    INCOMPLETE_RECORD,
    /**
     * {@code xl_tot_len} is 0, or the page where the next record starts is all zeros: WAL ends here,
     * the normal end of WAL in a pre-allocated segment.
     */
    ZEROS,
    /**
     * A page header is invalid: unknown magic or a different magic than the scan's first page, wrong
     * {@code xlp_pageaddr}, unknown flags, missing long header at a segment start, wrong segment or
     * page size, a different system identifier, or a timeline going backwards.
     */
    BAD_PAGE_HEADER,
    /**
     * A page where a record continues lacks {@code XLP_FIRST_IS_CONTRECORD} or has the wrong {@code
     * xlp_rem_len}; or a page where a record should start claims to begin with a continuation.
     */
    BAD_CONTINUATION,
    /** {@code xl_tot_len} below 24 or above 1 GiB, or an unknown resource manager. */
    BAD_RECORD_HEADER,
    /** {@code xl_prev} is not the start of the previous record (or not before the record itself). */
    BAD_PREV_LINK,
    /** The CRC-32C does not match {@code xl_crc} (only when validating CRCs). */
    BAD_CRC,
    /** The block headers and data lengths do not add up (only when decoding bodies or commit records). */
    BAD_RECORD_BODY
}

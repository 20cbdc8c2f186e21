package dev.xenon.common.pgwire;

/** How the server authenticated a connection (as chosen by its {@code pg_hba.conf}). */
public enum AuthMethod {
    /** No password asked for. */
    TRUST,
    /** The password sent in clear text ({@code password} in {@code pg_hba.conf}). */
    CLEARTEXT_PASSWORD,
    /** An MD5 challenge with a 4-byte salt. */
    MD5,
    /** SASL SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding. */
    SCRAM_SHA_256
}

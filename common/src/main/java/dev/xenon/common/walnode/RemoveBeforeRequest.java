package dev.xenon.common.walnode;

import dev.xenon.common.Lsn;

/** Body of {@code POST /v1/timeline/{id}/remove-before}: WAL before {@code lsn} is safe in S3. */
public record RemoveBeforeRequest(Lsn lsn) {}

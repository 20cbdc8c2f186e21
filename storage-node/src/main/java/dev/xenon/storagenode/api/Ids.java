package dev.xenon.storagenode.api;

import dev.xenon.common.Lsn;
import dev.xenon.common.TenantId;
import dev.xenon.common.TimelineId;
import dev.xenon.web.BadRequestException;

/** Parses ids and LSNs from requests; malformed input is a 400 naming the field. */
final class Ids {

    private Ids() {}

    static TenantId tenant(String field, String text) {
        try {
            return TenantId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, field + ": " + e.getMessage());
        }
    }

    static TimelineId timeline(String field, String text) {
        try {
            return TimelineId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, field + ": " + e.getMessage());
        }
    }

    static Lsn lsn(String field, String text) {
        try {
            return Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, field + ": " + e.getMessage());
        }
    }
}

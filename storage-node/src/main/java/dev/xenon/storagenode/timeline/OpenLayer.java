package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.storagenode.layer.CommitEntry;
import java.util.Arrays;
import java.util.List;

/**
 * WAL ingested but not yet written out as a delta layer: bytes {@code [start, start + length)} and
 * the commits in them, in memory.
 *
 * <p>Thread-safety: one writer (the timeline's ingest) appends; readers use a snapshot taken from
 * the timeline's volatile state. Appends never change bytes below an earlier snapshot's length; when
 * the buffer grows a new array is allocated, so a snapshot stays valid forever.
 */
public record OpenLayer(
        Lsn start, byte[] buffer, int length, CommitEntry[] commits, int commitCount, long openedNanos) {

    public static OpenLayer empty(Lsn start) {
        return new OpenLayer(start, new byte[0], 0, new CommitEntry[0], 0, System.nanoTime());
    }

    public Lsn end() {
        return start.plus(length);
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** This layer with {@code wal} appended; reuses the buffer while it has room (see class doc). */
    OpenLayer append(byte[] wal, int off, int len, List<CommitEntry> newCommits) {
        byte[] buf = buffer;
        if (length + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(length + len, Math.max(64 * 1024, buf.length * 2)));
        }
        System.arraycopy(wal, off, buf, length, len);
        CommitEntry[] c = commits;
        if (commitCount + newCommits.size() > c.length) {
            c = Arrays.copyOf(c, Math.max(commitCount + newCommits.size(), Math.max(64, c.length * 2)));
        }
        int n = commitCount;
        for (CommitEntry e : newCommits) {
            c[n++] = e;
        }
        long opened = isEmpty() ? System.nanoTime() : openedNanos;
        return new OpenLayer(start, buf, length + len, c, n, opened);
    }

    public List<CommitEntry> commitList() {
        return List.of(Arrays.copyOf(commits, commitCount));
    }

    /** Copies bytes at {@code position} into {@code dst}; returns how many (0 if none there). */
    public int read(long position, byte[] dst, int off, int len) {
        long rel = position - start.value();
        if (rel < 0 || rel >= length) {
            return 0;
        }
        int n = (int) Math.min(len, length - rel);
        System.arraycopy(buffer, (int) rel, dst, off, n);
        return n;
    }
}

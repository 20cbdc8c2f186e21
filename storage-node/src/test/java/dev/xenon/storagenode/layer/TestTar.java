package dev.xenon.storagenode.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds small tars as base backups look, and reads tars back into comparable entries. */
final class TestTar {

    /** One tar entry with everything an image keeps. */
    record Item(String name, byte type, int mode, long mtime, String linkName, byte[] content) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Item other
                    && name.equals(other.name)
                    && type == other.type
                    && mode == other.mode
                    && mtime == other.mtime
                    && linkName.equals(other.linkName)
                    && java.util.Arrays.equals(content, other.content);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return "Item[" + name + ", type " + (char) type + ", mode " + Integer.toOctalString(mode) + ", mtime "
                    + mtime + ", link '" + linkName + "', " + content.length + " bytes]";
        }
    }

    private final List<Item> items = new ArrayList<>();

    TestTar directory(String name, int mode, long mtime) {
        items.add(new Item(name, TarConstants.LF_DIR, mode, mtime, "", new byte[0]));
        return this;
    }

    TestTar file(String name, int mode, long mtime, byte[] content) {
        items.add(new Item(name, TarConstants.LF_NORMAL, mode, mtime, "", content));
        return this;
    }

    TestTar symlink(String name, String target, int mode, long mtime) {
        items.add(new Item(name, TarConstants.LF_SYMLINK, mode, mtime, target, new byte[0]));
        return this;
    }

    List<Item> items() {
        return List.copyOf(items);
    }

    /** The tar, written as {@link ImageLayerFile#writeTar} writes entries, then finished. */
    byte[] bytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = ImageLayerFile.newTarOutputStream(bytes)) {
                for (Item item : items) {
                    TarArchiveEntry entry = new TarArchiveEntry(item.name(), item.type(), true);
                    entry.setMode(item.mode());
                    entry.setModTime(FileTime.from(item.mtime(), TimeUnit.SECONDS));
                    entry.setUserName("postgres");
                    entry.setGroupName("postgres");
                    entry.setIds(0, 0);
                    entry.setLinkName(item.linkName());
                    entry.setSize(item.content().length);
                    tar.putArchiveEntry(entry);
                    tar.write(item.content());
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Item> read(byte[] tar) throws IOException {
        List<Item> items = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                items.add(new Item(
                        entry.getName(),
                        entry.getLinkFlag(),
                        entry.getMode(),
                        entry.getLastModifiedTime().to(TimeUnit.SECONDS),
                        entry.getLinkName(),
                        in.readAllBytes()));
            }
        }
        return items;
    }

    /** The tar {@code image} writes, finished. */
    static byte[] render(ImageLayerFile image, ImageLayerResolver resolver) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = ImageLayerFile.newTarOutputStream(bytes)) {
            image.writeTar(tar, resolver);
            tar.finish();
        }
        return bytes.toByteArray();
    }
}

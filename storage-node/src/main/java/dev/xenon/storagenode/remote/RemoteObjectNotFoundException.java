package dev.xenon.storagenode.remote;

import java.io.IOException;

/** The object asked for is not in remote storage. The message names the path and the storage. */
public final class RemoteObjectNotFoundException extends IOException {

    private final RemotePath path;

    public RemoteObjectNotFoundException(RemotePath path, String storage) {
        this(path, storage, null);
    }

    public RemoteObjectNotFoundException(RemotePath path, String storage, Throwable cause) {
        super("no object '" + path + "' in remote storage " + storage, cause);
        this.path = path;
    }

    public RemotePath path() {
        return path;
    }
}

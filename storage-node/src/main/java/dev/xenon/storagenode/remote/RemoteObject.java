package dev.xenon.storagenode.remote;

/** An object in remote storage as {@link RemoteStorage#list} reports it: its path and size in bytes. */
public record RemoteObject(RemotePath path, long size) {}

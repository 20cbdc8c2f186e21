/**
 * Remote storage: where the storage node keeps the durable copy of its layer files, addressed by
 * {@link dev.xenon.storagenode.remote.RemotePath}. {@link
 * dev.xenon.storagenode.remote.RemoteStorage} is the interface; {@link
 * dev.xenon.storagenode.remote.LocalFsRemoteStorage} (a directory, the default) and {@link
 * dev.xenon.storagenode.remote.S3RemoteStorage} implement it, {@link
 * dev.xenon.storagenode.remote.MeteredRemoteStorage} adds metrics, and {@link
 * dev.xenon.storagenode.remote.RemoteStorageConfiguration} picks one from {@code
 * xenon.storage-node.remote.*}.
 *
 * <p>Contract (checked against both implementations by {@code RemoteStorageContractTest}): writes
 * are all-or-nothing for readers and overwrite; downloads to a file are atomic (temp file and
 * rename, nothing left behind on failure); a missing object is {@link
 * dev.xenon.storagenode.remote.RemoteObjectNotFoundException}; listing is recursive below a
 * prefix and sorted; deleting a missing object is not an error.
 */
package dev.xenon.storagenode.remote;

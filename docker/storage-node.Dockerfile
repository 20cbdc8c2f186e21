# The storage node's image: the app plus PostgreSQL server binaries (it bootstraps timelines with
# initdb and builds images with a redo Postgres). NOT BUILT OR TESTED IN THIS REPOSITORY'S CI (no
# container runtime there). Build context: the repository root, after `./mvnw package -DskipTests`.
#
#   docker build -f docker/storage-node.Dockerfile -t <registry>/xenon-storage-node:<tag> .
#
# One major version per image: timelines of another version need another image.
FROM postgres:17
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-21-jre-headless \
    && rm -rf /var/lib/apt/lists/*
ENV XENON_PG_BIN_DIR=/usr/lib/postgresql/17/bin
COPY storage-node/target/xenon-storage-node-*-exec.jar /opt/xenon/app.jar
USER 10001:10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/xenon/app.jar"]

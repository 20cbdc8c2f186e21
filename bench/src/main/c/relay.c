/*
 * The floor of any TCP relay, for the proxy benchmark's baseline: accepts on 127.0.0.1:<listen>,
 * connects each client to 127.0.0.1:<target> and copies bytes both ways with one blocking
 * read/write thread per direction. No protocol, no routing, no TLS: whatever a proxy costs beyond
 * this is the proxy's own; up to this is the kernel's price of an extra hop.
 *
 *   cc -O2 -pthread -o relay relay.c && ./relay <listen-port> <target-port>
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

struct connection {
    int client;
    int server;
    int pumps; /* running pumps; the last one closes both sockets */
};

struct pump {
    struct connection *connection;
    int from;
    int to;
};

static void *copy(void *arg) {
    struct pump *p = arg;
    char buffer[65536];
    ssize_t n;
    while ((n = read(p->from, buffer, sizeof buffer)) > 0) {
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(p->to, buffer + done, (size_t) (n - done));
            if (w <= 0) {
                goto out;
            }
            done += w;
        }
    }
out:
    shutdown(p->to, SHUT_WR);
    shutdown(p->from, SHUT_RD);
    struct connection *c = p->connection;
    if (__atomic_sub_fetch(&c->pumps, 1, __ATOMIC_ACQ_REL) == 0) {
        close(c->client);
        close(c->server);
        free(c);
    }
    free(p);
    return NULL;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void start(struct connection *c, int from, int to) {
    struct pump *p = malloc(sizeof *p);
    pthread_t thread;
    p->connection = c;
    p->from = from;
    p->to = to;
    if (pthread_create(&thread, NULL, copy, p) != 0) {
        perror("pthread_create");
        exit(1);
    }
    pthread_detach(thread);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: relay <listen-port> <target-port>\n");
        return 2;
    }
    int one = 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in listen_at = loopback(atoi(argv[1]));
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (struct sockaddr *) &listen_at, sizeof listen_at) != 0 || listen(listener, 128) != 0) {
        perror("listen");
        return 1;
    }
    printf("relay listening\n");
    fflush(stdout);
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            continue;
        }
        int server = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in target = loopback(atoi(argv[2]));
        if (connect(server, (struct sockaddr *) &target, sizeof target) != 0) {
            perror("connect");
            close(client);
            close(server);
            continue;
        }
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct connection *c = malloc(sizeof *c);
        c->client = client;
        c->server = server;
        c->pumps = 2;
        start(c, client, server);
        start(c, server, client);
    }
}

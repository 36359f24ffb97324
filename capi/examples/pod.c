/*
 * podstate from C: opens a SQLite store, adds a pod with two containers in one batch (one
 * transaction, one durable commit), rolls a second batch back, looks a container up by an ID
 * prefix, and shows the error kind of a lookup that finds nothing.
 *
 *   cargo build -p podstate-capi
 *   cc -o pod capi/examples/pod.c -Icapi target/debug/libpodstate_capi.a -lm -ldl -lpthread
 *   ./pod /tmp/state.db
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podstate.h"

/* Prints a failed answer and exits; frees a successful one. */
static void check(PodstateAnswer *answer, const char *what) {
    if (answer->status != PODSTATE_OK) {
        fprintf(stderr, "%s failed: %s: %.*s\n", what, answer->kind, (int)answer->json.len,
                (const char *)answer->json.ptr);
        podstate_answer_free(answer);
        exit(1);
    }
    podstate_answer_free(answer);
}

/* Calls `call` with the JSON arguments `args` (payloads inline). */
static PodstateAnswer *call(PodstateHandle *h, const char *call, const char *args) {
    return podstate_call(h, call, (const uint8_t *)args, strlen(args), NULL, 0, 0);
}

/* The arguments of add_container_to_pod: a pod and a member, each in its serde form. */
static PodstateAnswer *add_member(PodstateHandle *h, const char *pod, const char *id,
                                  const char *name) {
    char args[2048];
    snprintf(args, sizeof args,
             "{\"pod\": %s, \"ctr\": {\"config\": {\"id\": \"%s\", \"name\": \"%s\","
             " \"pod\": \"b0ca7e11a5e1\", \"namespace\": \"\", \"lock_id\": 0,"
             " \"depends_on\": [], \"named_volumes\": [], \"networks\": [],"
             " \"network_aliases\": {}, \"created\": {\"secs\": 1700000000, \"nanos\": 0},"
             " \"payload\": {\"image\": \"alpine\", \"cmd\": [\"sleep\", \"inf\"]}},"
             " \"state\": {\"status\": \"Configured\", \"pid\": 0, \"conmon_pid\": 0,"
             " \"mountpoint\": \"\", \"mounted\": false, \"exec_sessions\": {},"
             " \"bind_mounts\": {}, \"stopped_by_user\": false,"
             " \"restart_policy_match\": false, \"restart_count\": 0, \"exit_code\": 0,"
             " \"exited\": false, \"oom_killed\": false, \"payload\": {}}}}",
             pod, id, name);
    return call(h, "add_container_to_pod", args);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "podstate-example.db";
    char url[4096];
    snprintf(url, sizeof url, "sqlite:%s", path);
    remove(path);

    PodstateStore *store = NULL;
    PodstateHandle *h = NULL;
    check(podstate_open(url, "{\"lock_timeout_ms\": 5000}", &store), "podstate_open");
    check(podstate_open_handle(store, NULL, &h), "podstate_open_handle");

    const char *pod =
        "{\"config\": {\"id\": \"b0ca7e11a5e1\", \"name\": \"web\", \"namespace\": \"\","
        " \"lock_id\": 1, \"created\": {\"secs\": 1700000000, \"nanos\": 0}, \"payload\": {}},"
        " \"state\": {\"cgroup_path\": \"\", \"infra_container_id\": \"\", \"payload\": {}}}";
    char args[1024];
    snprintf(args, sizeof args, "{\"pod\": %s}", pod);

    /* A batch: a handle of its own whose calls run in one transaction, visible to others only
     * once committed. It holds the write lock until it is committed or rolled back: finish it
     * before anything else, and free it like a handle. */
    PodstateHandle *tx = NULL;
    check(podstate_batch_begin(h, &tx), "podstate_batch_begin");
    check(call(tx, "add_pod", args), "add_pod");
    check(add_member(tx, pod, "a11ce5a11ce5", "web-app"), "add_container_to_pod");
    /* A call that fails inside a batch changes nothing; the batch goes on. */
    PodstateAnswer *taken = add_member(tx, pod, "0ddba11", "web-app");
    printf("a second web-app in the batch -> %s\n", taken->kind);
    int ok = taken->status == PODSTATE_ERROR && strcmp(taken->kind, "CtrExists") == 0;
    podstate_answer_free(taken);
    check(add_member(tx, pod, "d8a1c0ffee42", "web-db"), "add_container_to_pod");
    check(podstate_batch_commit(tx), "podstate_batch_commit");
    podstate_handle_free(tx);

    /* A batch rolled back leaves nothing. */
    check(podstate_batch_begin(h, &tx), "podstate_batch_begin");
    check(add_member(tx, pod, "5ca1ab1e", "web-cache"), "add_container_to_pod");
    check(podstate_batch_rollback(tx), "podstate_batch_rollback");
    podstate_handle_free(tx);
    PodstateAnswer *cache = call(h, "has_container", "{\"id\": \"5ca1ab1e\"}");
    printf("web-cache after the rollback: %.*s\n", (int)cache->json.len,
           (const char *)cache->json.ptr);
    ok = ok && cache->status == PODSTATE_OK && cache->json.len == 5; /* false */
    podstate_answer_free(cache);

    /* A unique ID prefix resolves to the container; the answer is its full ID as JSON. */
    PodstateAnswer *found = call(h, "lookup_container_id", "{\"id_or_name\": \"d8a1\"}");
    if (found->status != PODSTATE_OK) {
        fprintf(stderr, "lookup failed: %s\n", found->kind);
        return 1;
    }
    printf("d8a1 -> %.*s\n", (int)found->json.len, (const char *)found->json.ptr);
    podstate_answer_free(found);

    PodstateAnswer *members = call(h, "pod_containers_by_id", args);
    printf("members of web: %.*s\n", (int)members->json.len, (const char *)members->json.ptr);
    podstate_answer_free(members);

    /* A lookup that finds nothing answers an error with its kind. */
    PodstateAnswer *missing = call(h, "lookup_container_id", "{\"id_or_name\": \"nope\"}");
    printf("nope -> %s: %.*s\n", missing->kind, (int)missing->json.len,
           (const char *)missing->json.ptr);
    ok = ok && missing->status == PODSTATE_ERROR && strcmp(missing->kind, "NoSuchCtr") == 0;
    podstate_answer_free(missing);

    podstate_handle_free(h);
    podstate_store_free(store);
    remove(path);
    return ok ? 0 : 1;
}

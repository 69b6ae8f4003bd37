/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host key fingerprints: every key type sshd can have, against what
 * ssh-keygen -lf (OpenSSH 9.2) printed for the same lines; and lines that are
 * not keys, refused rather than hashed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ssh.h"

struct key_vector {
        const char *line, *type;
        unsigned bits;
        const char *fingerprint;
};

static const struct key_vector vectors[] = {
        { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII2SziwthxV1IwW7U1GVjmMjz3crNeYl49sXqqUgEHcC root@node1\n", "ED25519", 256,
          "SHA256:hQLJtIohpCiJ8Fh+f1o6mj4nra+BvtH+dGYN5XPxgrM" },
        { "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC5DwLYMUTUpuvCK2pIuSpncjsxLtS+5NOK0LXz16c/K8957TdNWyFnuR39w6Egiu4Ule"
          "rKs32RXI4vjWplpYXmT5Im0wHEAI3y+5jdnfdqQxwDM/E1eK5DWuih9o1gHLZHa+pDX6WUD7DE98Xwd5FESgr8Ca3fBp/i488SECn9eG5e"
          "SWXUDTQ9tdXwQErXbipm/lpXoaQpG9wS+6ZnaF6A+ebuoYNVi4xVeg9ON5LEH4Db0nliez1UxK4JYX/lXJP0zhGwZNRk/s5he1T4uVlfROp"
          "G5c0Pix7DRnTiPL1vBgY4M/bACP3eGOlq8oqk4MGFWG+3kX/LOCxByBiBssnl v",
          "RSA", 2048, "SHA256:KEsTC419AhtyNYP5OLImbVdqR0tBmmyzqPlWnNkUoa4" },
        { "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBF33b3OdlrvxUJQNDmAayVm2dzegtsgo786Dq"
          "W8yp2kdAtr7MG3l95N0hhEIc3krALD4jSJyGz6o3quUDgyRxn/7ujg4UnPXcUE2fNPGsDtOH1me+X6nsuxtjHJJuPktkA== v",
          "ECDSA", 384, "SHA256:0rHe5nbTGvxaw3CmHxjjW8tVwlZVsKEHeKHullvnST8" },
        { "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAF9mMl9UXp9ohzqLmXnFQX0Fd7h90y0CxCLB"
          "Ss3JE1ZgzvG3YRZUN6u7vcv6H25nhNCXF7Q4hmL9WpBJ1Mf+O+mgAHuOMvfNwNK7R9V0VVjnP0oTZy0EiFD4jjAzzbuC0y4Xb3LD5sKnfDmb+2"
          "SXX8Ykr+36WsOhO5LGcOUIi2/SF70DQ== v",
          "ECDSA", 521, "SHA256:j7KFbkmqm3qoeIIej7TIhEMDW3EGwWbCPgfcA55o1kY" },
        { "ssh-dss AAAAB3NzaC1kc3MAAACBAKCoG1nZ+Y4in5PER8sItxgtKgtwOFPWsNE9kHN4tDaezklcYdGwEVcVE50NP3mHlIRdaCqH+/H2O1rM"
          "BxMLxxzOhMtAHJnNH0gKvM0/G70HWl0PJJG5NCUXa0PKRfHyLSzz1ZGERHJ9lWzkcqk+lnQtHbPVcMx52j8Q7yp3xLw7AAAAFQCTTZzht6um"
          "CEgDslQ/f9dTcEABdQAAAIBoEA8XNgfMFEDfz1g82v7JIbvm51VfLiK/U3AVD29AxKKpDEsWwltTEIXOSG/f24H3gMAwM366KYbITfiddJ5p"
          "7jftJ4jCMbdbH0u1xIdUdfxRR45k1FWm49+UtG3xDRSUsaQd6h4hSxfAEDWBRaXvMc1UY2sCRRBpf8/Hy5+LIAAAAIAHX/jkCZ4dHGXfFb9i"
          "ae5GsWEysrtGS8XM+QxZqsN+Ka8rhVJ0Sxdrs1RiFtiBvfwyDR9AiGmc1RKcqhf+aN4CDtPTWCcasU48Tuudh8gX5j6u/PwzEeZU5cKmbF9kTD"
          "ajc/olEwsX74YKlBAwkWI9TvEcKerV1h0D4fhNzToPZA== v",
          "DSA", 1024, "SHA256:f8F3actO9nWVu5IWwBOFpHY7ppzQ95wquGt8qmX7X/s" },
};

static void test_fingerprints_as_ssh_keygen(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
                struct node_ssh_host_key key;
                assert_int_equal(node_ssh_key_fingerprint(vectors[i].line, &key), 0);
                assert_string_equal(key.type, vectors[i].type);
                assert_int_equal(key.bits, vectors[i].bits);
                assert_string_equal(key.fingerprint, vectors[i].fingerprint);
        }
}

static void test_not_keys(void **state) {
        (void)state;
        static const char *const bad[] = {
                "",
                "ssh-ed25519",
                "ssh-ed25519 \n",
                /* the words disagree with the blob */
                "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAII2SziwthxV1IwW7U1GVjmMjz3crNeYl49sXqqUgEHcC x",
                /* not base64, and a length base64 cannot have */
                "ssh-ed25519 AAAA!!!!",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5A",
                /* a blob whose type string claims more bytes than there are */
                "ssh-ed25519 AAAA/3NzaC1lZDI1NTE5",
                /* ssh-rsa with the exponent but no modulus */
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB",
                /* a type nobody makes */
                "ssh-foo AAAAB3NzaC1mb28=",
                "# ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII2SziwthxV1IwW7U1GVjmMjz3crNeYl49sXqqUgEHcC",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                struct node_ssh_host_key key;
                if (node_ssh_key_fingerprint(bad[i], &key) != -EINVAL)
                        fail_msg("not refused: '%s'", bad[i]);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fingerprints_as_ssh_keygen),
                cmocka_unit_test(test_not_keys),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

package dev.xenon.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The SCRAM client against the example exchange of RFC 7677, section 3. */
class ScramSha256ExchangeIT {

    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    @Test
    void rfc7677Example() throws Exception {
        ScramSha256Exchange scram = new ScramSha256Exchange("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFirstMessage()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assertThat(scram.clientFinalMessage(SERVER_FIRST))
                .isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(scram.isComplete()).isFalse();
        scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(scram.isComplete()).isTrue();
    }

    @Test
    void aWrongServerSignatureIsRefused() throws Exception {
        ScramSha256Exchange scram = new ScramSha256Exchange("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        scram.clientFinalMessage(SERVER_FIRST);
        assertThatThrownBy(() -> scram.verifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("signature");
        assertThat(scram.isComplete()).isFalse();
    }

    @Test
    void aServerNonceThatDoesNotExtendTheClientNonceIsRefused() {
        ScramSha256Exchange scram = new ScramSha256Exchange("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assertThatThrownBy(() -> scram.clientFinalMessage("r=somethingElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("nonce");
    }

    @Test
    void saslPrepMapsSpacesAndNormalizes() {
        assertThat(ScramSha256Exchange.saslPrep("plain ascii")).isEqualTo("plain ascii");
        assertThat(ScramSha256Exchange.saslPrep("a\u00A0b")).isEqualTo("a b");
        assertThat(ScramSha256Exchange.saslPrep("a\u00ADb")).isEqualTo("ab");
        assertThat(ScramSha256Exchange.saslPrep("\u2168")).isEqualTo("IX");
        // Prohibited output (a control character): the raw password is used, as Postgres does.
        assertThat(ScramSha256Exchange.saslPrep("a\u0007\u00A0")).isEqualTo("a\u0007\u00A0");
    }
}

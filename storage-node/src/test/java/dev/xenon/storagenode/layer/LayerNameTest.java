package dev.xenon.storagenode.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LayerNameTest {

    @Test
    void deltaNamesRoundTrip() {
        DeltaLayerName name = new DeltaLayerName(Lsn.parse("0/1000000"), Lsn.parse("0/1A3F2C8"));
        assertThat(name.toString()).isEqualTo("delta_0000000001000000_0000000001A3F2C8");
        assertThat(DeltaLayerName.parse(name.toString())).isEqualTo(name);
        assertThat(LayerName.parse(name.toString())).isEqualTo(name);

        DeltaLayerName high = DeltaLayerName.parse("delta_FFFFFFFF00000000_FFFFFFFFFFFFFFFF");
        assertThat(high.start()).isEqualTo(Lsn.parse("FFFFFFFF/0"));
        assertThat(high.end()).isEqualTo(Lsn.parse("FFFFFFFF/FFFFFFFF"));
        assertThat(high.toString()).isEqualTo("delta_FFFFFFFF00000000_FFFFFFFFFFFFFFFF");
    }

    @Test
    void imageNamesRoundTripAndMayBeEmptyRanges() {
        ImageLayerName name = ImageLayerName.parse("image_0000000001000028_0000000001000100");
        assertThat(name.start()).isEqualTo(Lsn.parse("0/1000028"));
        assertThat(name.end()).isEqualTo(Lsn.parse("0/1000100"));
        assertThat(name.toString()).isEqualTo("image_0000000001000028_0000000001000100");
        assertThat(LayerName.parse(name.toString())).isEqualTo(name);

        ImageLayerName point = new ImageLayerName(Lsn.parse("16/B374D848"), Lsn.parse("16/B374D848"));
        assertThat(point.toString()).isEqualTo("image_00000016B374D848_00000016B374D848");
        assertThat(ImageLayerName.parse(point.toString())).isEqualTo(point);
    }

    @Test
    void theKindDecidesTheType() {
        assertThat(LayerName.parse("delta_0000000000000000_0000000000000001")).isInstanceOf(DeltaLayerName.class);
        assertThat(LayerName.parse("image_0000000000000001_0000000000000001")).isInstanceOf(ImageLayerName.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "delta_0000000001000000_0000000001a3f2c8", // lower case is not the canonical spelling
                "delta_0000000001000000-0000000001A3F2C8",
                "delta_000000001000000_0000000001A3F2C8",
                "delta_0000000001000000_0000000001A3F2C80",
                "delta_0000000001000000_0000000001A3F2CG",
                "delta_0000000001000000_0000000001000000", // empty range
                "delta_0000000002000000_0000000001000000", // backwards
                "image_0000000002000000_0000000001000000", // backwards
                "Delta_0000000001000000_0000000001A3F2C8",
                "delta_0000000001000000_0000000001A3F2C8.tmp",
                "layer_0000000001000000_0000000001A3F2C8",
                "delta_+000000001000000_0000000001A3F2C8",
                "000000010000000000000001"
            })
    void rejectsMalformedNamesNamingTheInput(String text) {
        assertThatThrownBy(() -> LayerName.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void eachKindRejectsTheOther() {
        assertThatThrownBy(() -> DeltaLayerName.parse("image_0000000000000001_0000000000000002"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image_0000000000000001_0000000000000002");
        assertThatThrownBy(() -> ImageLayerName.parse("delta_0000000000000001_0000000000000002"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructorsCheckTheRange() {
        Lsn lsn = Lsn.parse("1/0");
        assertThatThrownBy(() -> new DeltaLayerName(lsn, lsn)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageLayerName(lsn.plus(1), lsn)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeltaLayerName(null, lsn)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void ordersByStartThenEndComparingUnsigned() {
        List<DeltaLayerName> names = new ArrayList<>(List.of(
                DeltaLayerName.parse("delta_8000000000000000_9000000000000000"),
                DeltaLayerName.parse("delta_0000000000000001_0000000000000003"),
                DeltaLayerName.parse("delta_0000000000000001_0000000000000002")));
        Collections.sort(names);
        assertThat(names)
                .extracting(DeltaLayerName::toString)
                .containsExactly(
                        "delta_0000000000000001_0000000000000002",
                        "delta_0000000000000001_0000000000000003",
                        "delta_8000000000000000_9000000000000000");
    }
}

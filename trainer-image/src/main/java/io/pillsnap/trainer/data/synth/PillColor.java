package io.pillsnap.trainer.data.synth;

import java.awt.Color;

/** A pill body colour, named by the real dataset's {@code color_class1} words. */
public enum PillColor {
    WHITE("하양", 236, 234, 226),
    YELLOW("노랑", 238, 208, 96),
    ORANGE("주황", 234, 142, 62),
    PINK("분홍", 236, 164, 180),
    RED("빨강", 192, 50, 50),
    BROWN("갈색", 142, 94, 58),
    LIGHT_GREEN("연두", 172, 212, 112),
    GREEN("초록", 58, 138, 78),
    TEAL("청록", 48, 146, 150),
    BLUE("파랑", 62, 102, 192),
    NAVY("남색", 40, 52, 112),
    MAGENTA("자주", 162, 52, 112),
    PURPLE("보라", 132, 92, 172),
    GRAY("회색", 152, 152, 150),
    BLACK("검정", 46, 46, 50);

    private final String label;
    private final Color rgb;

    PillColor(String label, int red, int green, int blue) {
        this.label = label;
        this.rgb = new Color(red, green, blue);
    }

    /** The value written to {@code color_class1} / {@code color_class2}. */
    public String label() {
        return label;
    }

    public Color rgb() {
        return rgb;
    }

    /** Light bodies carry engraved imprints; dark ones a printed light ink that stays readable. */
    boolean isLight() {
        double luminance =
                (0.2126 * rgb.getRed() + 0.7152 * rgb.getGreen() + 0.0722 * rgb.getBlue()) / 255;
        return luminance > 0.45;
    }
}

package io.pillsnap.trainer.data.synth;

import java.awt.Color;

/** Table and tray surfaces the pills are photographed on. */
enum Backdrop {
    LIGHT_GRAY(204, 204, 200),
    OFF_WHITE(226, 222, 212),
    BEIGE(202, 186, 160),
    PALE_BLUE(168, 188, 208),
    SLATE(66, 70, 76),
    GREEN_MAT(72, 112, 84),
    WOOD(152, 112, 78);

    private final Color color;

    Backdrop(int red, int green, int blue) {
        this.color = new Color(red, green, blue);
    }

    Color color() {
        return color;
    }
}

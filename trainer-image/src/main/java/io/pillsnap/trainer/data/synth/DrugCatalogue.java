package io.pillsnap.trainer.data.synth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The synthetic drugs (classes), grouped into look-alike families of {@code familySize} drugs that
 * share shape, colour and size and differ only by imprint and score line: a classifier that does
 * not read imprints tops out near 1 / familySize. Families get distinct looks while the
 * shape-colour combinations last, then looks repeat at other sizes, as in real pill sets.
 */
public final class DrugCatalogue {

    private static final String[] NAME_STARTS = {
        "Syn", "Vela", "Cora", "Nexo", "Lumi", "Pira", "Dora", "Teva", "Mira", "Zena", "Alto",
        "Bexi", "Cali", "Fena", "Gluco", "Hexa", "Ibra", "Kalo", "Levo", "Meto", "Novo", "Oxa",
        "Rena", "Sola"
    };
    private static final String[] NAME_MIDDLES = {
        "", "ri", "to", "mi", "sa", "ne", "lo", "va", "di", "ze", "pa", "ro"
    };
    private static final String[] NAME_ENDS = {
        "mycin", "pril", "sartan", "statin", "zole", "pine", "lol", "tide", "xacin", "fen", "dine",
        "cor", "tam", "vir", "mab", "lex"
    };
    private static final String[] DOSES = {
        "1", "2", "2.5", "5", "10", "12.5", "20", "25", "40", "50", "80", "100", "125", "150",
        "200", "250", "300", "400", "500"
    };
    private static final String[] COMPANIES = {
        "Synthetica Pharm",
        "Hanbit Bio",
        "Daeyang Pharmaceutical",
        "Mirae Life Science",
        "Seorin Pharm",
        "Gaon Healthcare",
        "Nuri Pharma",
        "Boram Chemical",
        "Sejin Medica",
        "Arum Therapeutics",
        "Doul Pharm",
        "Yewon Bio"
    };
    private static final int IMPRINT_ATTEMPTS = 1000;

    private final List<SyntheticDrug> drugs;

    private DrugCatalogue(List<SyntheticDrug> drugs) {
        this.drugs = List.copyOf(drugs);
    }

    public static DrugCatalogue create(int classes, int familySize, long seed) {
        SynthOptions.requireRange("classes", classes, 1, SynthOptions.MAX_CLASSES);
        SynthOptions.requireRange("familySize", familySize, 1, SynthOptions.MAX_FAMILY_SIZE);
        return new DrugCatalogue(
                families(0, 0, classes, familySize, seed, Seeds.Purpose.CATALOGUE));
    }

    /**
     * The drugs of a dataset's {@code val/} folder that are not among its {@code classes} known
     * ones: numbered, coded and named after them, with the next families' looks (other looks than
     * the known drugs' while the shape-colour combinations last), drawn from a stream of their own
     * so that the known drugs do not change.
     */
    public static DrugCatalogue unknown(int classes, int drugs, int familySize, long seed) {
        SynthOptions.requireRange("classes", classes, 1, SynthOptions.MAX_CLASSES);
        SynthOptions.requireRange("unknown drugs", drugs, 0, SynthOptions.MAX_CLASSES);
        SynthOptions.requireRange("familySize", familySize, 1, SynthOptions.MAX_FAMILY_SIZE);
        int knownFamilies = (classes + familySize - 1) / familySize;
        return new DrugCatalogue(
                families(
                        knownFamilies,
                        classes,
                        drugs,
                        familySize,
                        seed,
                        Seeds.Purpose.UNKNOWN_CATALOGUE));
    }

    private static List<SyntheticDrug> families(
            int firstFamily,
            int firstClassIndex,
            int count,
            int familySize,
            long seed,
            Seeds.Purpose purpose) {
        List<Look> looks = shuffledLooks(Seeds.random(seed, Seeds.Purpose.CATALOGUE, -1));
        List<SyntheticDrug> drugs = new ArrayList<>(count);
        int families = (count + familySize - 1) / familySize;
        for (int drawn = 0; drawn < families; drawn++) {
            int family = firstFamily + drawn;
            SplittableRandom random = Seeds.random(seed, purpose, family);
            Look look = looks.get(family % looks.size());
            double size = 0.78 + 0.22 * random.nextDouble();
            String stem = nameStem(family);
            String company = COMPANIES[random.nextInt(COMPANIES.length)];
            int members = Math.min(familySize, count - drawn * familySize);
            int firstDose = random.nextInt(DOSES.length - members + 1);
            Set<String> takenFaces = new HashSet<>();
            for (int member = 0; member < members; member++) {
                int classIndex = firstClassIndex + drawn * familySize + member;
                Faces faces = distinctFaces(look.shape(), random, takenFaces);
                // the K-code draws from the family's generator before the EDI code
                drugs.add(
                        SyntheticDrugBuilder.builder()
                                .classIndex(classIndex)
                                .family(family)
                                .kCode(kCode(classIndex, random))
                                .ediCode(ediCode(classIndex, random))
                                .name(stem + " " + DOSES[firstDose + member] + "mg")
                                .company(company)
                                .shape(look.shape())
                                .color1(look.color1())
                                .color2(look.color2())
                                .printFront(faces.front())
                                .printBack(faces.back())
                                .scoreLine(faces.scoreLine())
                                .relativeSize(size)
                                .build());
            }
        }
        return drugs;
    }

    public List<SyntheticDrug> drugs() {
        return drugs;
    }

    /**
     * The {@code position}-th drug of this catalogue (its class index in a catalogue of known
     * drugs).
     */
    public SyntheticDrug drug(int position) {
        return drugs.get(position);
    }

    public int size() {
        return drugs.size();
    }

    private record Look(PillShape shape, PillColor color1, PillColor color2) {}

    private record Faces(String front, String back, ScoreLine scoreLine) {}

    private static List<Look> shuffledLooks(SplittableRandom random) {
        List<Look> looks = new ArrayList<>();
        PillColor[] colors = PillColor.values();
        for (PillShape shape : PillShape.values()) {
            for (PillColor color : colors) {
                if (shape.isCapsule()) {
                    int offset = 1 + random.nextInt(colors.length - 1);
                    PillColor other = colors[(color.ordinal() + offset) % colors.length];
                    looks.add(new Look(shape, color, other));
                } else {
                    looks.add(new Look(shape, color, null));
                }
            }
        }
        for (int i = looks.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            looks.set(i, looks.set(j, looks.get(i)));
        }
        return looks;
    }

    /**
     * Imprints whose visible faces differ from every other member's: an image shows one face, so
     * two members sharing a face could not be told apart from it. A member's own front and back may
     * match ("G" / "G"), as on real pills.
     */
    private static Faces distinctFaces(
            PillShape shape, SplittableRandom random, Set<String> takenFaces) {
        for (int attempt = 0; attempt < IMPRINT_ATTEMPTS; attempt++) {
            Faces faces = randomFaces(shape, random);
            Set<String> keys = faceKeys(shape, faces);
            if (keys.stream().noneMatch(takenFaces::contains)) {
                takenFaces.addAll(keys);
                return faces;
            }
        }
        throw new IllegalStateException("no distinct imprint found for a family member");
    }

    private static Faces randomFaces(PillShape shape, SplittableRandom random) {
        String front = imprint(random);
        if (shape.isCapsule()) {
            return new Faces(
                    front, random.nextDouble() < 0.3 ? "" : imprint(random), ScoreLine.NONE);
        }
        double draw = random.nextDouble();
        ScoreLine score =
                draw < 0.18 ? ScoreLine.SINGLE : draw < 0.26 ? ScoreLine.CROSS : ScoreLine.NONE;
        if (score != ScoreLine.NONE) {
            return new Faces(front, "", score);
        }
        double back = random.nextDouble();
        String printBack = back < 0.25 ? "" : back < 0.37 ? front : imprint(random);
        return new Faces(front, printBack, ScoreLine.NONE);
    }

    private static Set<String> faceKeys(PillShape shape, Faces faces) {
        if (shape.isCapsule()) {
            // both halves show at once: a distinct front half tells the capsule apart
            return Set.of("capsule:" + faces.front());
        }
        String back =
                faces.back().isEmpty() ? "plain:" + faces.scoreLine() : "text:" + faces.back();
        // a set: front and back may carry the same text
        return new HashSet<>(List.of("text:" + faces.front(), back));
    }

    /** One to three characters; a hyphen only in the middle of three. */
    private static String imprint(SplittableRandom random) {
        double draw = random.nextDouble();
        int length = draw < 0.2 ? 1 : draw < 0.65 ? 2 : 3;
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            boolean hyphen = length == 3 && i == 1 && random.nextDouble() < 0.08;
            text.append(
                    hyphen
                            ? '-'
                            : StrokeFont.ALPHABET.charAt(
                                    random.nextInt(StrokeFont.ALPHABET.length())));
        }
        return text.toString();
    }

    /** Increasing, unique and spread like the real codes (K-000027, K-000030, ...). */
    private static String kCode(int classIndex, SplittableRandom random) {
        return String.format(Locale.ROOT, "K-%06d", 1 + classIndex * 8 + random.nextInt(8));
    }

    /** Nine digits, unique per class. */
    private static String ediCode(int classIndex, SplittableRandom random) {
        return String.format(
                Locale.ROOT, "%09d", 640_000_000L + classIndex * 1000L + random.nextInt(1000));
    }

    /** A brand shared by the family, whose members differ by strength, like real look-alikes. */
    private static String nameStem(int family) {
        int combinations = NAME_STARTS.length * NAME_MIDDLES.length * NAME_ENDS.length;
        // a prime step visits every combination once before any repeats, in a mixed-up order
        int pick = (int) ((family * 7919L) % combinations);
        int start = pick % NAME_STARTS.length;
        int middle = (pick / NAME_STARTS.length) % NAME_MIDDLES.length;
        int end = pick / (NAME_STARTS.length * NAME_MIDDLES.length);
        return NAME_STARTS[start] + NAME_MIDDLES[middle] + NAME_ENDS[end];
    }
}

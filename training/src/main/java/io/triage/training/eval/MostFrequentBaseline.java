package io.triage.training.eval;

/**
 * The score of always predicting the training data's most frequent label: what a model must beat to have
 * learned anything from the texts.
 *
 * @param label index of the majority training label (the first one on ties)
 * @param accuracy share of validation examples carrying that label
 */
public record MostFrequentBaseline(int label, double accuracy) {

    public static MostFrequentBaseline of(int[] trainLabels, int[] validationLabels, int numLabels) {
        int[] counts = new int[numLabels];
        for (int l : trainLabels) {
            counts[l]++;
        }
        int majority = 0;
        for (int c = 1; c < numLabels; c++) {
            if (counts[c] > counts[majority]) {
                majority = c;
            }
        }
        long hits = 0;
        for (int l : validationLabels) {
            if (l == majority) {
                hits++;
            }
        }
        return new MostFrequentBaseline(majority, validationLabels.length == 0 ? 0 : (double) hits / validationLabels.length);
    }
}

package io.pillsnap.trainer.progress;

import io.pillsnap.api.trainer.TrainingProgress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The progress of a run that trains two tasks: the latest snapshot of each, and what /progress
 * serves, the newest snapshot with the latest of every task beside it ({@code tasks}).
 */
public final class TaskSnapshots {

    private final Map<String, TrainingProgress> latest = new TreeMap<>();

    /** Records a task's snapshot and returns what to serve now. */
    public synchronized TrainingProgress update(String task, TrainingProgress snapshot) {
        latest.put(task, snapshot);
        if (latest.size() < 2) {
            return snapshot;
        }
        return snapshot.withTask(task).withTasks(List.copyOf(latest.values()));
    }
}

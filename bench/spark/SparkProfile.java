import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emgmm.FitListener;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.data.ArrayDataset;

/**
 * Where an emgmm-spark iteration's time goes, from Spark's own listener: per iteration the EM loop's time, the
 * job's (submission to end, as the listener bus sees it), its stage count, and per task the scheduler delay (launch
 * after job start), deserialisation, run and CPU time, result serialisation, result size and the time from the
 * task's end to the job's end. Same session and data as {@code SparkBench}, emgmm-spark only, full covariance.
 * Arguments: N D K PARTITIONS [ITERATIONS] [FITS]. Prints lines starting with PROF.
 */
public final class SparkProfile {
    private SparkProfile() {
    }

    public static void main(String[] args) throws java.util.concurrent.TimeoutException {
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int parts = Integer.parseInt(args[3]);
        int iters = args.length > 4 ? Integer.parseInt(args[4]) : 13;
        int fits = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        SparkSession spark = SparkBench.session("emgmm-spark profile",
                System.getenv().getOrDefault("TASK_CPUS", "1"));
        ArrayDataset data = SyntheticMixture.generate(n, d, k, 1, false);
        Dataset<Row> df = SparkBench.frame(spark, data.doubleArray(), n, d, parts).cache();
        df.count();
        Recorder rec = new Recorder();
        spark.sparkContext().addSparkListener(rec);
        for (int f = 0; f < fits; f++) {
            rec.jobs.clear();
            List<long[]> its = new ArrayList<>();
            new org.emgmm.spark.GaussianMixture().setK(k).setTol(0).setSeed(1).setMaxIter(iters).setBackend("cpu")
                    .fit(df, new FitListener() {
                        @Override
                        public void iteration(int init, int iteration, double lowerBound, double change,
                                              long nanos) {
                            its.add(new long[] {iteration, nanos, System.currentTimeMillis(), processCpuNanos(),
                                mainCpu()});
                        }
                    });
            spark.sparkContext().listenerBus().waitUntilEmpty(); // the fit's last events, before reading them
            System.out.printf(Locale.ROOT, "PROF fit %d (load %s)%n", f, SparkBench.load());
            List<Job> jobs = new ArrayList<>(rec.jobs.values());
            jobs.sort((a, b) -> Long.compare(a.start, b.start));
            for (Job j : jobs) {
                StringBuilder sb = new StringBuilder();
                for (Task t : j.tasks) {
                    sb.append(String.format(Locale.ROOT, " [launch+%d deser %d run %d cpu %d ser %d res %dB "
                                    + "gc %d end->jobEnd %d]", t.launch - j.start, t.deser, t.run, t.cpu / 1_000_000,
                            t.ser, t.resultBytes, t.gc, j.end - t.finish));
                }
                if (System.getenv("PROF_JOBS") != null) System.out.printf(Locale.ROOT, "PROF   job %d stages %d tasks %d wall %d ms:%s%n", j.id, j.stages,
                        j.tasks.size(), j.end - j.start, sb);
            }
            for (long[] it : its) {
                if (System.getenv("PROF_JOBS") != null) System.out.printf(Locale.ROOT, "PROF   iteration %d %.1f ms%n", it[0], it[1] / 1e6);
            }
            // per iteration after the first 3: process CPU, driver thread CPU, the job's task CPU, wall times
            List<Double> proc = new ArrayList<>();
            List<Double> main = new ArrayList<>();
            List<Double> taskCpu = new ArrayList<>();
            List<Double> wall = new ArrayList<>();
            List<Double> jobWall = new ArrayList<>();
            List<Double> outside = new ArrayList<>();
            List<Double> inside = new ArrayList<>();
            List<Job> iterJobs = new ArrayList<>();
            for (Job j : jobs) {
                if (j.pass && j.tasks.size() == j.tasksExpected) {
                    iterJobs.add(j);
                }
            }
            int offset = iterJobs.size() - its.size(); // iteration jobs are the fit's last ones
            for (int i = 3; i < its.size(); i++) {
                proc.add((its.get(i)[3] - its.get(i - 1)[3]) / 1e6);
                main.add((its.get(i)[4] - its.get(i - 1)[4]) / 1e6);
                wall.add(its.get(i)[1] / 1e6);
                if (offset >= 0 && offset + i < iterJobs.size()) {
                    Job j = iterJobs.get(offset + i);
                    taskCpu.add(j.tasks.stream().mapToLong(t -> t.cpu).sum() / 1e6);
                    jobWall.add((double) (j.end - j.start));
                    outside.add(its.get(i)[1] / 1e6 - (j.end - j.start));
                    long maxRun = j.tasks.stream().mapToLong(t -> t.run + t.deser).max().orElse(0);
                    inside.add((double) (j.end - j.start - maxRun));
                }
            }
            System.out.printf(Locale.ROOT, "PROF summary fit %d medians ms: iteration %.1f job %.1f (outside job %.1f, "
                            + "job minus longest task %.1f); CPU per iteration: process %.1f, driver thread %.1f, "
                            + "task threads %.1f (a multi-threaded task's backend workers count in rest), rest %.1f%n", f, median(wall), median(jobWall), median(outside),
                    median(inside), median(proc), median(main), median(taskCpu),
                    median(proc) - median(taskCpu));
        }
        spark.stop();
    }

    private static double median(List<Double> t) {
        if (t.isEmpty()) {
            return Double.NaN;
        }
        List<Double> c = new ArrayList<>(t);
        c.sort(null);
        return c.get(c.size() / 2);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long mainCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static final class Task {
        long launch;
        long finish;
        long deser;
        long run;
        long cpu;
        long ser;
        long resultBytes;
        long gc;
    }

    static final class Job {
        int id;
        long start;
        long end;
        int stages;
        int tasksExpected;
        /** Whether the job is an EM pass (its call site, as SparkPass names it). */
        boolean pass;
        final List<Task> tasks = new ArrayList<>();

        long resultBytes() {
            return tasks.stream().mapToLong(t -> t.resultBytes).max().orElse(0);
        }
    }

    static final class Recorder extends SparkListener {
        final Map<Integer, Job> jobs = new ConcurrentHashMap<>();
        final Map<Integer, Integer> stageToJob = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            Job j = new Job();
            j.id = e.jobId();
            j.start = e.time();
            j.stages = e.stageIds().size();
            j.pass = e.properties() != null
                    && "emgmm EM pass".equals(e.properties().getProperty("callSite.short"));
            scala.collection.Iterator<org.apache.spark.scheduler.StageInfo> si = e.stageInfos().iterator();
            while (si.hasNext()) {
                j.tasksExpected += si.next().numTasks();
            }
            scala.collection.Iterator<Object> it = e.stageIds().iterator();
            while (it.hasNext()) {
                stageToJob.put((Integer) it.next(), e.jobId());
            }
            jobs.put(e.jobId(), j);
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd e) {
            Job j = jobs.get(e.jobId());
            if (j != null) {
                j.end = e.time();
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            Integer jobId = stageToJob.get(e.stageId());
            Job j = jobId == null ? null : jobs.get(jobId);
            if (j == null) {
                return;
            }
            TaskInfo info = e.taskInfo();
            TaskMetrics m = e.taskMetrics();
            Task t = new Task();
            t.launch = info.launchTime();
            t.finish = info.finishTime();
            t.deser = m.executorDeserializeTime();
            t.run = m.executorRunTime();
            t.cpu = m.executorCpuTime();
            t.ser = m.resultSerializationTime();
            t.resultBytes = m.resultSize();
            t.gc = m.jvmGCTime();
            synchronized (j.tasks) {
                j.tasks.add(t);
            }
        }
    }
}

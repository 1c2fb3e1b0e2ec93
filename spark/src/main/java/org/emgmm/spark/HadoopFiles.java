package org.emgmm.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Reading and writing small text files (model files) on any Hadoop file system: local, HDFS, S3. */
final class HadoopFiles {
    private HadoopFiles() {
    }

    /**
     * @param spark the session (its Hadoop configuration)
     * @param path the file
     * @return its content as UTF-8
     * @throws IOException when it cannot be read
     */
    static String read(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes to a temporary file beside {@code path}, then renames it over, so a failed write leaves no partial
     * file.
     *
     * @param spark the session
     * @param path destination
     * @param text content
     * @throws IOException when it cannot be written
     */
    static void write(SparkSession spark, String path, String text) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        if (fs.exists(p) && !fs.delete(p, false)) {
            fs.delete(tmp, false);
            throw new IOException("cannot replace " + path);
        }
        if (!fs.rename(tmp, p)) {
            fs.delete(tmp, false);
            throw new IOException("cannot rename " + tmp + " to " + path);
        }
    }
}

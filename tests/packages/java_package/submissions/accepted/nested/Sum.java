/* A submission given as a directory, in a package two levels deep. */
package contest.sums;

import java.io.*;

public class Sum {
	public static void main(String[] args) throws IOException {
		String[] t = new BufferedReader(new InputStreamReader(System.in)).readLine().trim().split("\\s+");
		System.out.println(Long.parseLong(t[0]) + Long.parseLong(t[1]));
	}
}

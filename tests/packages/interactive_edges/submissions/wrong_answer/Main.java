// A wrong answer (out of range), then a read that fails at the end of the
// input: the validator's verdict came first, so this is WA, not RTE.
import java.util.Scanner;

public class Main {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		System.out.println(0);
		System.out.flush();
		System.out.println(in.nextLine());
	}
}

package io.touchpoint.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.touchpoint.contracts.EventJson;

/**
 * The local stack's token issuer: an RSA key pair kept on disk (so tokens survive restarts) and
 * RS256 tokens in the shape smallrye-jwt verifies (roles in {@code groups}). Production deployments
 * point the services at their OIDC provider's key or JWKS instead.
 */
public final class JwtKeys {

    public static final String DEFAULT_ISSUER = "https://touchpoint.local";
    private static final Pattern LIFETIME = Pattern.compile("(\\d{1,9})([smhd]?)");

    private final PrivateKey privateKey;
    private final String issuer;

    private JwtKeys(PrivateKey privateKey, String issuer) {
        this.privateKey = privateKey;
        this.issuer = issuer;
    }

    /** Creates {@code private.pem} and {@code public.pem} in {@code dir} unless both exist. */
    public static void ensureKeyPair(Path dir) throws IOException, GeneralSecurityException {
        Path privatePem = dir.resolve("private.pem");
        Path publicPem = dir.resolve("public.pem");
        if (Files.exists(privatePem) && Files.exists(publicPem)) {
            return;
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    }

    public static JwtKeys load(Path privatePem, String issuer) throws IOException, GeneralSecurityException {
        String body = Files.readString(privatePem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        return new JwtKeys(key, issuer);
    }

    /** A signed token for {@code subject} with {@code roles} as groups, valid for {@code lifetime}. */
    public String mint(String subject, List<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        Map<String, Object> header = Map.of("alg", "RS256", "typ", "JWT");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("upn", subject);
        claims.put("groups", roles);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(EventJson.write(header)) + "." + b64.encodeToString(EventJson.write(claims));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(privateKey);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    /**
     * {@code JwtKeys PRIVATE_PEM ISSUER SUBJECT ROLE[,ROLE] LIFETIME}: prints a token; the launcher uses
     * it for {@code ./touchpoint token} and the tokens in credentials.env. LIFETIME: see {@link #lifetime}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: JwtKeys PRIVATE_PEM ISSUER SUBJECT ROLES LIFETIME (e.g. 30m, 1h, 7d; a bare number is days)");
            System.exit(2);
        }
        Duration lifetime;
        try {
            lifetime = lifetime(args[4]);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        JwtKeys keys = load(Path.of(args[0]), args[1]);
        System.out.println(keys.mint(args[2], List.of(args[3].split(",")), lifetime));
    }

    /**
     * A token lifetime: a number with a unit, {@code s}, {@code m}, {@code h} or {@code d} ({@code 90s},
     * {@code 30m}, {@code 1h}, {@code 7d}), a bare number of days (what this took before units), or an
     * ISO-8601 duration ({@code PT45M}). Must be positive.
     */
    public static Duration lifetime(String text) {
        Duration d;
        Matcher m = LIFETIME.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid lifetime '" + text + "': use a number with s, m, h or d, e.g. 30m, 1h, 7d");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("invalid lifetime '" + text + "': must be positive");
        }
        return d;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

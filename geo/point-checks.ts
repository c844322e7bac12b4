// Rough checks on a coordinate pair, so a bad service location or referral point fails with a message a person can act on.

/** A generous box around England (WGS84): longitude −6.5 to 2.0, latitude 49.8 to 55.9. Wales and southern Scotland partly fall inside. */
export const ENGLAND_BOUNDS = { minLon: -6.5, maxLon: 2.0, minLat: 49.8, maxLat: 55.9 } as const;

/** True when (lon, lat) lies in the rough England box. It says nothing finer: a point in Cardiff passes. */
export function isInEnglandBounds(lon: number, lat: number): boolean {
  return (
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    lon >= ENGLAND_BOUNDS.minLon &&
    lon <= ENGLAND_BOUNDS.maxLon &&
    lat >= ENGLAND_BOUNDS.minLat &&
    lat <= ENGLAND_BOUNDS.maxLat
  );
}

/**
 * Why a coordinate pair cannot be a WGS84 point in England, in words, or null when it passes the rough box check.
 * Recognises the usual mistakes: missing values, latitude and longitude swapped, and British National Grid
 * eastings/northings given instead of degrees.
 */
export function describePointProblem(lon: number, lat: number): string | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return "longitude and latitude must both be numbers";
  if (isInEnglandBounds(lon, lat)) return null;
  if (isInEnglandBounds(lat, lon)) {
    return `longitude ${lon} and latitude ${lat} look swapped (latitude is the one near 50–56 in England)`;
  }
  if (lon >= 0 && lon <= 700_000 && lat >= 0 && lat <= 1_300_000 && (lon > 180 || lat > 90)) {
    return `(${lon}, ${lat}) looks like British National Grid easting/northing in metres, not WGS84 longitude/latitude`;
  }
  if (lon === 0 && lat === 0) return "(0, 0) is a placeholder, not a location";
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return `(${lon}, ${lat}) is not a longitude/latitude pair`;
  return `(${lon}, ${lat}) is outside England (longitude ${ENGLAND_BOUNDS.minLon} to ${ENGLAND_BOUNDS.maxLon}, latitude ${ENGLAND_BOUNDS.minLat} to ${ENGLAND_BOUNDS.maxLat})`;
}

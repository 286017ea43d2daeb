/** Name similarity: the close names `check` and `introspect` suggest for what the config expects. */
import { closestName, nameSimilarity } from '../../src/check/names';

describe('name matching', () => {
  it('scores exact, alias, suffix and near names', () => {
    expect(nameSimilarity('full_name', 'fullName')).toBe(1);
    expect(nameSimilarity('timestamp', 'sent_at')).toBe(0.95);
    expect(nameSimilarity('context_page_url', 'url')).toBe(0.8);
    expect(nameSimilarity('linkedin', 'linkedin_export')).toBe(0.8);
    expect(nameSimilarity('anonymous_id', 'anonymus_id')).toBeGreaterThan(0.9);
    expect(nameSimilarity('email', 'event')).toBeLessThan(0.75);
  });

  it('picks the closest candidate above the threshold, or none', () => {
    expect(closestName('timestamp', ['loaded_at', 'sent_at', 'received_at'])).toBe('sent_at');
    expect(closestName('profile_url', ['profileUrl', 'profile'])).toBe('profileUrl');
    expect(closestName('email', ['phone', 'city'])).toBeUndefined();
  });
});

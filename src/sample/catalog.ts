/**
 * The world the simulated audience lives in: a B2B analytics consultancy's site (blog articles, service pages),
 * its LinkedIn posts, and the names and companies of its visitors. Lists are ordered by popularity: the
 * generator draws from them with a Zipf distribution, so the first entries are the most common.
 */

export const SITE = 'https://www.example-analytics.co.uk';

export interface Page {
  path: string;
  title: string;
}

const article = (slug: string, title: string): Page => ({ path: `/blog/${slug}`, title: `${title} — Example Analytics` });

/** Blog articles, most read first. */
export const ARTICLES: readonly Page[] = [
  article('multi-channel-attribution-dbt-looker', 'Multi-Channel Attribution using dbt, Segment and Looker'),
  article('modern-data-stack-for-consultancies', 'How We Built Our Modern Data Stack: dbt, BigQuery, Looker'),
  article('identity-stitching-segment-bigquery', 'Stitching Identity Across the Customer Journey'),
  article('looker-pdt-incremental', 'Incremental PDTs in Looker: A Practical Guide'),
  article('dbt-snapshot-scd2', 'Slowly Changing Dimensions with dbt Snapshots'),
  article('ga4-bigquery-export-sessions', 'Sessionising the GA4 BigQuery Export'),
  article('hubspot-crm-analytics', 'Analysing HubSpot Deals and Pipeline in BigQuery'),
  article('marketing-mix-modelling-intro', 'An Introduction to Marketing Mix Modelling'),
  article('customer-lifetime-value-sql', 'Calculating Customer Lifetime Value in SQL'),
  article('looker-sankey-journeys', 'Visualising Customer Journeys with Looker Sankey Charts'),
  article('rudderstack-vs-segment', 'RudderStack vs Segment: Which CDP for Your Stack?'),
  article('snowplow-atomic-events-modelling', 'Modelling Snowplow Atomic Events with dbt'),
  article('data-contracts-in-practice', 'Data Contracts in Practice'),
  article('cohort-retention-analysis', 'Cohort Retention Analysis for SaaS Businesses'),
  article('xero-accounting-data-warehouse', 'Bringing Xero Accounting Data into Your Warehouse'),
  article('jira-project-delivery-metrics', 'Measuring Project Delivery with Jira Data'),
  article('dbt-testing-strategy', 'A Testing Strategy for dbt Projects'),
  article('bigquery-cost-control', 'Keeping BigQuery Costs Under Control'),
  article('looker-explores-best-practices', 'Designing Looker Explores People Actually Use'),
  article('reverse-etl-hightouch', 'Reverse ETL with Hightouch: Closing the Loop'),
  article('product-analytics-funnels', 'Building Product Analytics Funnels in SQL'),
  article('cookie-expiry-safari-itp', 'What Safari ITP Means for Your Web Analytics'),
  article('churn-prediction-bigquery-ml', 'Churn Prediction with BigQuery ML'),
  article('semantic-layer-comparison', 'Comparing Semantic Layers: LookML, MetricFlow, Cube'),
  article('fivetran-connectors-review', 'A Year of Fivetran Connectors: What We Learned'),
  article('data-team-operating-model', 'An Operating Model for Small Data Teams'),
  article('web-analytics-consent-mode', 'Consent Mode and What It Does to Your Data'),
  article('revenue-forecasting-prophet', 'Revenue Forecasting with Prophet and BigQuery'),
  article('lookml-refinements', 'LookML Refinements Explained'),
  article('dbt-incremental-models', 'When to Use Incremental Models in dbt'),
  article('attribution-first-touch-last-touch', 'First Touch, Last Touch and Everything Between'),
  article('utm-parameter-governance', 'UTM Parameter Governance for Marketing Teams'),
  article('consultancy-utilisation-dashboard', 'A Utilisation Dashboard for Consultancies'),
  article('survival-analysis-customers', 'Survival Analysis for Customer Tenure'),
  article('looker-system-activity', 'Getting More from Looker System Activity'),
  article('data-quality-monitoring', 'Data Quality Monitoring Without the Hype'),
  article('event-tracking-plan', 'Writing an Event Tracking Plan That Survives Contact'),
  article('bigquery-partitioning-clustering', 'Partitioning and Clustering in BigQuery'),
  article('analytics-engineering-hiring', 'Hiring Your First Analytics Engineer'),
  article('dbt-packages-we-use', 'The dbt Packages We Use on Every Project'),
];

/** Service and conversion pages. */
export const HOME: Page = { path: '/', title: 'Example Analytics — Modern Data Stack Consultancy' };
export const SERVICES: readonly Page[] = [
  { path: '/services', title: 'Services — Example Analytics' },
  { path: '/services/looker', title: 'Looker Consulting — Example Analytics' },
  { path: '/services/dbt', title: 'dbt Implementation — Example Analytics' },
  { path: '/case-studies', title: 'Case Studies — Example Analytics' },
  { path: '/about', title: 'About Us — Example Analytics' },
];
export const CONTACT: Page = { path: '/contact-us', title: 'Contact Us — Example Analytics' };
export const THANKS: Page = { path: '/meeting-booked', title: 'Thanks for Booking — Example Analytics' };

/** The company's LinkedIn posts people interact with. */
export const LINKEDIN_POSTS: readonly string[] = ARTICLES.slice(0, 24).map(
  (a, i) => `https://www.linkedin.com/posts/example-analytics_${a.path.slice(6)}-activity-${7000000000000000000n + BigInt(i) * 7919n}`,
);

/** First names, most common first (shared names are what makes name matching risky). */
export const FIRST_NAMES: readonly string[] = [
  'James', 'David', 'Sarah', 'John', 'Michael', 'Emma', 'Daniel', 'Laura', 'Paul', 'Mark', 'Anna', 'Thomas',
  'Rachel', 'Chris', 'Sophie', 'Richard', 'Hannah', 'Peter', 'Claire', 'Andrew', 'Olivia', 'Matthew', 'Lucy',
  'Robert', 'Priya', 'Tom', 'Kate', 'Simon', 'Helen', 'Ben', 'Amy', 'Adam', 'Jessica', 'Stephen', 'Rebecca',
  'Jonathan', 'Emily', 'Alex', 'Charlotte', 'Nick', 'Victoria', 'Ian', 'Joanne', 'Gareth', 'Natalie', 'Neil',
  'Louise', 'Martin', 'Catherine', 'Gary', 'Nicola', 'Steve', 'Karen', 'Graham', 'Alison', 'Jamie', 'Fiona',
  'Oliver', 'Grace', 'Harry', 'Ella', 'Jack', 'Megan', 'George', 'Holly', 'Sam', 'Jade', 'Luke', 'Zara',
  'Ryan', 'Abigail', 'Joe', 'Eleanor', 'Dan', 'Isabel', 'Will', 'Harriet', 'Phil', 'Imogen', 'Rob', 'Freya',
  'Tim', 'Alice', 'Nathan', 'Jennifer', 'Keith', 'Elizabeth', 'Colin', 'Ruth', 'Lee', 'Caroline', 'Dean',
  'José', 'María', 'Zoë', 'Renée', 'Björn', 'Søren', 'Chloé', 'Ahmed', 'Fatima', 'Wei', 'Mei', 'Raj', 'Aisha',
  'Lars', 'Ingrid', 'Pierre', 'Élodie', 'Giulia', 'Marco', 'Katarzyna', 'Piotr', 'Siobhán', 'Niamh', 'Oisín',
  'Hiroshi', 'Yuki', 'Kwame', 'Ngozi', 'Mateo', 'Lucía', 'Dmitri', 'Olga', 'Ayşe', 'Mehmet', 'Nour', 'Omar',
  'Arjun', 'Deepa', 'Vikram', 'Ananya', 'Sanjay', 'Meera', 'Hassan', 'Leila', 'Tariq', 'Yasmin', 'Chen',
  'Jun', 'Min-jun', 'Seo-yeon', 'Thabo', 'Amara', 'Femi', 'Chiara', 'Luca', 'Sven', 'Astrid', 'Henrik',
  'Maja', 'Jakub', 'Zofia', 'Tomás', 'Ines', 'Joaquín', 'Camila', 'Andrés', 'Valentina', 'Jürgen', 'Anke',
];

export const LAST_NAMES: readonly string[] = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson', 'Roberts',
  'Walker', 'Wright', 'Robinson', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Harris',
  'Lewis', 'Martin', 'Jackson', 'Clarke', 'Clark', 'Turner', 'Hill', 'Scott', 'Cooper', 'Morris', 'Ward', 'Moore',
  'King', 'Watson', 'Baker', 'Harrison', 'Morgan', 'Patel', 'Young', 'Allen', 'Mitchell', 'James', 'Anderson',
  'Phillips', 'Lee', 'Bell', 'Parker', 'Davis', 'Bennett', 'Griffiths', 'Price', 'Jenkins', 'Lloyd', 'Russell',
  'Shaw', 'Cook', 'Richardson', 'Chapman', 'Carter', 'Kelly', 'Marshall', 'Collins', 'Bailey', 'Gray', 'Hunt',
  'Cox', 'Fisher', 'Graham', 'Adams', 'Owen', 'Palmer', 'Ellis', 'Mason', 'Holmes', 'Webb', 'Rogers', 'Stevens',
  'Pearson', 'Fox', 'Dixon', 'Knight', 'Butler', 'Barnes', 'Pugh', 'Lawrence', 'Foster', 'Gibson', 'Reid',
  'Mills', 'Hunter', 'Powell', 'Matthews', 'Wells', 'Ross', 'Murray', 'Simpson', 'Kennedy', 'Stewart', 'Fraser',
  'Hamilton', 'Grant', 'Burns', 'Spencer', 'Rose', 'Webster', 'Atkinson', 'Field', 'Barker', 'Andrews', 'Dean',
  'Harvey', 'Fletcher', 'Gordon', 'Saunders', 'Payne', 'Pope', 'Lane', 'Howard', 'Wheeler', 'Lambert', 'Hart',
  'García', 'Müller', 'Dubois', 'Rossi', 'Nowak', 'Kowalski', 'Novák', 'Jensen', 'Andersson', 'Nieminen',
  "O'Brien", "O'Connor", 'Murphy', 'Byrne', 'Chen', 'Wang', 'Li', 'Zhang', 'Kim', 'Nguyen', 'Singh',
  'Khan', 'Ali', 'Okafor', 'Mensah', 'Yılmaz', 'Ivanov', 'Petrova', 'Sato', 'Tanaka', 'Fernández', 'López',
  'Sharma', 'Gupta', 'Kumar', 'Shah', 'Mehta', 'Iyer', 'Hussain', 'Rahman', 'Ahmed', 'Hosseini', 'Haddad',
  'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Hoffmann', 'Lefebvre', 'Moreau', 'Laurent', 'Bianchi',
  'Romano', 'Colombo', 'De Vries', 'Van Dijk', 'Bakker', 'Janssen', 'Nielsen', 'Hansen', 'Larsen', 'Lindqvist',
  'Svensson', 'Korhonen', 'Wiśniewski', 'Kovačević', 'Horváth', 'Papadopoulos', 'Silva', 'Santos', 'Pereira',
  'Gómez', 'Martínez', 'Rodríguez', 'Sánchez', 'Morales', 'Herrera', 'Park', 'Choi', 'Liu', 'Yang', 'Huang',
  'Suzuki', 'Watanabe', 'Adeyemi', 'Mwangi', 'Osei', 'Abdullah', 'Cohen', 'Levi', 'MacDonald', 'McKenzie',
];

/** Company email domains of the B2B audience; personal domains are used for a minority. */
export const COMPANY_WORDS: readonly string[] = [
  'acme', 'northwind', 'globex', 'initech', 'umbrella', 'stark', 'wayne', 'hooli', 'vandelay', 'tyrell',
  'cyberdyne', 'soylent', 'wonka', 'oscorp', 'gringotts', 'contoso', 'fabrikam', 'adatum', 'litware', 'proseware',
];
export const COMPANY_SUFFIXES: readonly string[] = ['.com', '.co.uk', '.io', '.de', '.nl', '.fr', '-group.com', '-retail.co.uk', '-health.com', '-energy.com'];
export const PERSONAL_DOMAINS: readonly string[] = ['gmail.com', 'outlook.com', 'yahoo.co.uk', 'icloud.com', 'hotmail.com'];

export const SEARCH_REFERRERS: readonly string[] = ['https://www.google.com/', 'https://www.google.co.uk/', 'https://www.bing.com/', 'https://duckduckgo.com/'];

export const NEWSLETTER_CAMPAIGNS: readonly string[] = [
  'newsletter-2024-01', 'newsletter-2024-02', 'newsletter-2024-03', 'newsletter-2024-04', 'newsletter-2024-05',
  'newsletter-2024-06', 'newsletter-2024-07', 'newsletter-2024-08', 'newsletter-2024-09', 'newsletter-2024-10',
  'newsletter-2024-11', 'newsletter-2024-12', 'webinar-invite-looker', 'webinar-invite-dbt',
];

/** Zapier's egress addresses: every Zapier-sent event carries one of these, whoever it is about. */
export const ZAPIER_IPS: readonly string[] = ['54.86.9.50', '54.86.13.171', '52.0.196.148', '3.210.84.5'];

/** Track events sent by the site (not conversions). */
export const SITE_TRACKS: readonly (readonly [string, number])[] = [
  ['Article Scrolled', 6],
  ['CTA Clicked', 2],
  ['Case Study Downloaded', 1],
];

export const MEETING_BOOKED = 'Meeting Booked';
export const NEWSLETTER_SIGNUP = 'Newsletter Signup';

export const LINKEDIN_ACTIONS: readonly (readonly ['liked' | 'commented' | 'followed' | 'shared', number])[] = [
  ['liked', 10],
  ['commented', 3],
  ['shared', 1],
  ['followed', 2],
];

/** Identifier values broken tracking code sends instead of a real id. */
export const JUNK_IDS: readonly string[] = ['undefined', '0', '00000000-0000-0000-0000-000000000000', 'null'];

/**
 * A company's name as people write it on LinkedIn, from its email domain's word and suffix: the legal-form and
 * division words ("Acme Ltd", "Acme Health") that a matcher must see past to compare it with the domain acme-health.com.
 */
const COMPANY_FORMS: Record<string, readonly string[]> = {
  '.com': ['', ' Inc.'],
  '.co.uk': ['', ' Ltd', ' UK'],
  '.io': [''],
  '.de': [' GmbH', ''],
  '.nl': [' B.V.', ''],
  '.fr': ['', ' SAS'],
  '-group.com': [' Group'],
  '-retail.co.uk': [' Retail'],
  '-health.com': [' Health'],
  '-energy.com': [' Energy'],
};
export const companyName = (word: string, suffix: string, form: number): string => {
  const forms = COMPANY_FORMS[suffix] ?? [''];
  return word[0].toUpperCase() + word.slice(1) + forms[form % forms.length];
};

/** Job titles of the B2B audience (what comes before "at Acme" in a LinkedIn headline). */
export const ROLES: readonly string[] = [
  'Head of Data', 'Data Engineer', 'Analytics Engineer', 'Marketing Manager', 'CTO', 'VP Engineering', 'Product Manager',
  'Data Analyst', 'Head of Growth', 'BI Developer', 'Director of Analytics', 'Senior Data Scientist', 'Head of Marketing',
  'Operations Manager', 'RevOps Lead', 'Finance Director', 'Software Engineer', 'Chief Data Officer', 'Growth Marketer',
  'Lead Analytics Engineer',
];
export const INDUSTRIES: readonly string[] = ['SaaS', 'Fintech', 'Retail', 'Healthcare', 'Energy', 'B2B Marketing', 'Data & Analytics', 'E-commerce'];
/** Headlines that name no company. */
export const BARE_HEADLINES: readonly string[] = [
  'Founder', 'Consultant', 'Open to work', 'Data | Analytics | BI', 'Helping teams make sense of their data',
  'Freelance Data Engineer', 'Fractional CMO', 'Looker & dbt enthusiast',
];
/** LinkedIn's location line, as profiles show it. */
export const LOCATIONS: readonly string[] = [
  'London, England, United Kingdom', 'Greater London', 'Manchester, England, United Kingdom', 'Leeds, England, United Kingdom',
  'Bristol, England, United Kingdom', 'Edinburgh, Scotland, United Kingdom', 'Dublin, County Dublin, Ireland',
  'Amsterdam, North Holland, Netherlands', 'Berlin, Germany', 'Paris, Île-de-France, France', 'New York, New York, United States', 'Remote',
];

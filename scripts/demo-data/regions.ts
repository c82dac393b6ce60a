/**
 * Where mentors live: each region ties together plausible names, places, IANA time zones and the
 * languages people there speak, so a generated mentor is internally consistent.
 */
export interface Region {
  id: string;
  weight: number;
  /** [city, country, IANA time zone, main local language when not English] */
  places: [string, string, string, string?][];
  /** Other ISO 639-1 codes spoken in the region (second languages, minority and immigrant languages). */
  languages: string[];
  /** Chance that a mentor here lists English. */
  english: number;
  female: string[];
  male: string[];
  surnames: string[];
}

export const REGIONS: Region[] = [
  {
    id: 'uk-ie', weight: 14,
    places: [['London', 'United Kingdom', 'Europe/London'], ['Manchester', 'United Kingdom', 'Europe/London'], ['Edinburgh', 'United Kingdom', 'Europe/London'], ['Bristol', 'United Kingdom', 'Europe/London'], ['Leeds', 'United Kingdom', 'Europe/London'], ['Dublin', 'Ireland', 'Europe/Dublin'], ['Cardiff', 'United Kingdom', 'Europe/London'], ['Belfast', 'United Kingdom', 'Europe/London']],
    languages: ['ga', 'cy', 'fr'], english: 1,
    female: ['Emma', 'Sophie', 'Hannah', 'Chloe', 'Aoife', 'Siobhan', 'Rhiannon', 'Grace', 'Olivia', 'Niamh', 'Charlotte', 'Amelia', 'Priya', 'Zainab', 'Catriona'],
    male: ['James', 'Oliver', 'Thomas', 'Callum', 'Ciaran', 'Rhys', 'Harry', 'George', 'Daniel', 'Eoin', 'Rory', 'Samuel', 'Imran', 'Kwame', 'Fraser'],
    surnames: ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Murphy', 'O\'Brien', 'Evans', 'Walsh', 'Campbell', 'Hughes', 'Patel', 'Khan', 'Begum', 'MacLeod', 'Kelly', 'Okafor', 'Clarke'],
  },
  {
    id: 'us', weight: 18,
    places: [['New York', 'United States', 'America/New_York'], ['San Francisco', 'United States', 'America/Los_Angeles'], ['Chicago', 'United States', 'America/Chicago'], ['Austin', 'United States', 'America/Chicago'], ['Seattle', 'United States', 'America/Los_Angeles'], ['Atlanta', 'United States', 'America/New_York'], ['Denver', 'United States', 'America/Denver'], ['Phoenix', 'United States', 'America/Phoenix'], ['Boston', 'United States', 'America/New_York'], ['Honolulu', 'United States', 'Pacific/Honolulu'], ['Anchorage', 'United States', 'America/Anchorage'], ['Miami', 'United States', 'America/New_York']],
    languages: ['es', 'zh', 'vi', 'ko', 'tl'], english: 1,
    female: ['Jessica', 'Ashley', 'Maria', 'Keisha', 'Jennifer', 'Emily', 'Mei', 'Latoya', 'Rachel', 'Sarah', 'Destiny', 'Lauren', 'Gabriela', 'Madison'],
    male: ['Michael', 'Christopher', 'Jamal', 'David', 'Jose', 'Tyler', 'Kevin', 'Andre', 'Brandon', 'Marcus', 'Ethan', 'Ryan', 'Luis', 'Darnell', 'Jacob'],
    surnames: ['Johnson', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Washington', 'Nguyen', 'Kim', 'Chen', 'Thompson', 'Jackson', 'Martinez', 'Lee', 'Robinson', 'Hernandez', 'Cohen', 'O\'Neill', 'Walker'],
  },
  {
    id: 'ca', weight: 5,
    places: [['Toronto', 'Canada', 'America/Toronto'], ['Vancouver', 'Canada', 'America/Vancouver'], ['Montreal', 'Canada', 'America/Toronto', 'fr'], ['Calgary', 'Canada', 'America/Edmonton'], ['Halifax', 'Canada', 'America/Halifax'], ['Winnipeg', 'Canada', 'America/Winnipeg']],
    languages: ['fr', 'pa', 'zh', 'tl'], english: 0.98,
    female: ['Chloé', 'Isabelle', 'Harpreet', 'Jasmine', 'Megan', 'Amélie', 'Tara', 'Leila', 'Camille', 'Avneet'],
    male: ['Mathieu', 'Liam', 'Gurpreet', 'Noah', 'Étienne', 'Connor', 'Arjun', 'Félix', 'Owen', 'Tristan'],
    surnames: ['Tremblay', 'Roy', 'Gagnon', 'Singh', 'Wong', 'MacDonald', 'Gill', 'Bouchard', 'Wilson', 'Fraser', 'Côté', 'Sandhu'],
  },
  {
    id: 'dach', weight: 7,
    places: [['Berlin', 'Germany', 'Europe/Berlin', 'de'], ['Munich', 'Germany', 'Europe/Berlin', 'de'], ['Hamburg', 'Germany', 'Europe/Berlin', 'de'], ['Vienna', 'Austria', 'Europe/Vienna', 'de'], ['Zurich', 'Switzerland', 'Europe/Zurich', 'de'], ['Cologne', 'Germany', 'Europe/Berlin', 'de'], ['Frankfurt', 'Germany', 'Europe/Berlin', 'de']],
    languages: ['de', 'tr', 'fr'], english: 0.9,
    female: ['Anna', 'Lena', 'Katharina', 'Julia', 'Sabine', 'Elif', 'Miriam', 'Johanna', 'Franziska', 'Leonie'],
    male: ['Lukas', 'Jonas', 'Felix', 'Maximilian', 'Stefan', 'Mehmet', 'Tobias', 'Florian', 'Matthias', 'Jan'],
    surnames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Yılmaz', 'Huber', 'Gruber', 'Keller'],
  },
  {
    id: 'fr-be', weight: 5,
    places: [['Paris', 'France', 'Europe/Paris', 'fr'], ['Lyon', 'France', 'Europe/Paris', 'fr'], ['Toulouse', 'France', 'Europe/Paris', 'fr'], ['Brussels', 'Belgium', 'Europe/Brussels', 'fr'], ['Marseille', 'France', 'Europe/Paris', 'fr'], ['Luxembourg', 'Luxembourg', 'Europe/Luxembourg', 'fr']],
    languages: ['fr', 'nl', 'ar'], english: 0.85,
    female: ['Camille', 'Léa', 'Manon', 'Inès', 'Sarah', 'Claire', 'Amina', 'Juliette', 'Élodie', 'Nadia'],
    male: ['Louis', 'Hugo', 'Antoine', 'Karim', 'Julien', 'Nicolas', 'Mamadou', 'Pierre', 'Thibault', 'Youssef'],
    surnames: ['Martin', 'Bernard', 'Dubois', 'Moreau', 'Laurent', 'Lefebvre', 'Benali', 'Diallo', 'Peeters', 'Janssens', 'Girard', 'Rousseau'],
  },
  {
    id: 'iberia', weight: 4,
    places: [['Madrid', 'Spain', 'Europe/Madrid', 'es'], ['Barcelona', 'Spain', 'Europe/Madrid', 'ca'], ['Valencia', 'Spain', 'Europe/Madrid', 'es'], ['Lisbon', 'Portugal', 'Europe/Lisbon', 'pt'], ['Porto', 'Portugal', 'Europe/Lisbon', 'pt'], ['Las Palmas', 'Spain', 'Atlantic/Canary', 'es']],
    languages: ['es', 'pt', 'ca'], english: 0.85,
    female: ['Lucía', 'Marta', 'Carmen', 'Laia', 'Inês', 'Beatriz', 'Sofía', 'Ana', 'Nerea', 'Mariana'],
    male: ['Javier', 'Alejandro', 'Pablo', 'Jordi', 'João', 'Miguel', 'Diego', 'Rui', 'Sergio', 'Tiago'],
    surnames: ['García', 'Fernández', 'López', 'Martínez', 'Puig', 'Silva', 'Santos', 'Ferreira', 'Sánchez', 'Costa', 'Navarro', 'Romero'],
  },
  {
    id: 'latam', weight: 7,
    places: [['Mexico City', 'Mexico', 'America/Mexico_City', 'es'], ['São Paulo', 'Brazil', 'America/Sao_Paulo', 'pt'], ['Bogotá', 'Colombia', 'America/Bogota', 'es'], ['Buenos Aires', 'Argentina', 'America/Argentina/Buenos_Aires', 'es'], ['Santiago', 'Chile', 'America/Santiago', 'es'], ['Lima', 'Peru', 'America/Lima', 'es'], ['Medellín', 'Colombia', 'America/Bogota', 'es'], ['Montevideo', 'Uruguay', 'America/Montevideo', 'es']],
    languages: ['es', 'pt'], english: 0.8,
    female: ['Valentina', 'Camila', 'Fernanda', 'Daniela', 'Ximena', 'Juliana', 'Guadalupe', 'Larissa', 'Paula', 'Renata'],
    male: ['Santiago', 'Mateo', 'Rafael', 'Andrés', 'Gustavo', 'Emiliano', 'Felipe', 'Thiago', 'Carlos', 'Rodrigo'],
    surnames: ['Hernández', 'González', 'Rodríguez', 'Oliveira', 'Souza', 'Pérez', 'Ramírez', 'Vargas', 'Castillo', 'Pereira', 'Morales', 'Rojas'],
  },
  {
    id: 'nordics-nl', weight: 5,
    places: [['Amsterdam', 'Netherlands', 'Europe/Amsterdam', 'nl'], ['Rotterdam', 'Netherlands', 'Europe/Amsterdam', 'nl'], ['Stockholm', 'Sweden', 'Europe/Stockholm', 'sv'], ['Copenhagen', 'Denmark', 'Europe/Copenhagen', 'da'], ['Oslo', 'Norway', 'Europe/Oslo', 'no'], ['Helsinki', 'Finland', 'Europe/Helsinki', 'fi'], ['Reykjavík', 'Iceland', 'Atlantic/Reykjavik', 'is']],
    languages: ['nl', 'sv', 'da', 'no', 'fi'], english: 0.97,
    female: ['Sanne', 'Astrid', 'Freja', 'Ingrid', 'Saga', 'Emmi', 'Fleur', 'Maja', 'Sigrid', 'Noor'],
    male: ['Daan', 'Lars', 'Mikkel', 'Erik', 'Oskar', 'Joona', 'Bram', 'Magnus', 'Henrik', 'Sem'],
    surnames: ['de Jong', 'Jansen', 'van Dijk', 'Andersson', 'Johansson', 'Nielsen', 'Hansen', 'Virtanen', 'Korhonen', 'Larsen', 'Bakker', 'Lindqvist'],
  },
  {
    id: 'cee', weight: 5,
    places: [['Warsaw', 'Poland', 'Europe/Warsaw', 'pl'], ['Kraków', 'Poland', 'Europe/Warsaw', 'pl'], ['Prague', 'Czechia', 'Europe/Prague', 'cs'], ['Bucharest', 'Romania', 'Europe/Bucharest', 'ro'], ['Kyiv', 'Ukraine', 'Europe/Kyiv', 'uk'], ['Budapest', 'Hungary', 'Europe/Budapest', 'hu'], ['Tallinn', 'Estonia', 'Europe/Tallinn', 'et']],
    languages: ['pl', 'cs', 'ro', 'uk', 'hu', 'et', 'ru'], english: 0.9,
    female: ['Agnieszka', 'Katarzyna', 'Tereza', 'Ioana', 'Olena', 'Zsófia', 'Kateřina', 'Marta', 'Oksana', 'Kadri'],
    male: ['Piotr', 'Tomasz', 'Jakub', 'Andrei', 'Dmytro', 'Bence', 'Ondřej', 'Mihai', 'Taras', 'Marek'],
    surnames: ['Kowalski', 'Nowak', 'Wiśniewska', 'Novák', 'Popescu', 'Shevchenko', 'Nagy', 'Kovalenko', 'Dvořák', 'Ionescu', 'Tamm', 'Zieliński'],
  },
  {
    id: 'south-europe', weight: 3,
    places: [['Milan', 'Italy', 'Europe/Rome', 'it'], ['Rome', 'Italy', 'Europe/Rome', 'it'], ['Athens', 'Greece', 'Europe/Athens', 'el'], ['Istanbul', 'Türkiye', 'Europe/Istanbul', 'tr'], ['Bologna', 'Italy', 'Europe/Rome', 'it']],
    languages: ['it', 'el', 'tr'], english: 0.85,
    female: ['Giulia', 'Chiara', 'Francesca', 'Eleni', 'Zeynep', 'Martina', 'Sofia', 'Ayşe', 'Alessia', 'Dimitra'],
    male: ['Marco', 'Luca', 'Alessandro', 'Giorgos', 'Emre', 'Matteo', 'Nikos', 'Can', 'Davide', 'Burak'],
    surnames: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Papadopoulos', 'Kaya', 'Demir', 'Romano', 'Georgiou', 'Bianchi', 'Şahin', 'Ricci'],
  },
  {
    id: 'india', weight: 10,
    places: [['Bengaluru', 'India', 'Asia/Kolkata', 'kn'], ['Mumbai', 'India', 'Asia/Kolkata', 'mr'], ['Delhi', 'India', 'Asia/Kolkata', 'hi'], ['Hyderabad', 'India', 'Asia/Kolkata', 'te'], ['Pune', 'India', 'Asia/Kolkata', 'mr'], ['Chennai', 'India', 'Asia/Kolkata', 'ta'], ['Kathmandu', 'Nepal', 'Asia/Kathmandu', 'ne'], ['Colombo', 'Sri Lanka', 'Asia/Colombo', 'si'], ['Dhaka', 'Bangladesh', 'Asia/Dhaka', 'bn']],
    languages: ['hi', 'ta', 'te', 'kn', 'mr', 'bn', 'ml'], english: 0.97,
    female: ['Priya', 'Ananya', 'Divya', 'Kavya', 'Lakshmi', 'Sneha', 'Aishwarya', 'Meera', 'Nandini', 'Farhana', 'Pooja', 'Shreya'],
    male: ['Rahul', 'Arjun', 'Vikram', 'Karthik', 'Aditya', 'Rohan', 'Suresh', 'Amit', 'Sanjay', 'Nikhil', 'Rizwan', 'Pranav'],
    surnames: ['Sharma', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Kulkarni', 'Menon', 'Banerjee', 'Das', 'Rao', 'Chowdhury', 'Joshi', 'Perera', 'Shrestha'],
  },
  {
    id: 'east-asia', weight: 6,
    places: [['Singapore', 'Singapore', 'Asia/Singapore', 'zh'], ['Tokyo', 'Japan', 'Asia/Tokyo', 'ja'], ['Seoul', 'South Korea', 'Asia/Seoul', 'ko'], ['Hong Kong', 'Hong Kong', 'Asia/Hong_Kong', 'zh'], ['Shanghai', 'China', 'Asia/Shanghai', 'zh'], ['Taipei', 'Taiwan', 'Asia/Taipei', 'zh'], ['Osaka', 'Japan', 'Asia/Tokyo', 'ja']],
    languages: ['zh', 'ja', 'ko', 'ms'], english: 0.85,
    female: ['Wei', 'Yuki', 'Ji-woo', 'Mei Ling', 'Haruka', 'Seo-yeon', 'Xiaoling', 'Aiko', 'Hui Min', 'Yu-na'],
    male: ['Jun', 'Hiroshi', 'Min-jun', 'Wei Jie', 'Takeshi', 'Hyun-woo', 'Zhang Wei', 'Kenji', 'Jia Hao', 'Sung-min'],
    surnames: ['Tan', 'Lim', 'Wang', 'Li', 'Zhang', 'Sato', 'Suzuki', 'Takahashi', 'Park', 'Choi', 'Kim', 'Chan', 'Lin', 'Huang'],
  },
  {
    id: 'sea', weight: 4,
    places: [['Manila', 'Philippines', 'Asia/Manila', 'tl'], ['Jakarta', 'Indonesia', 'Asia/Jakarta', 'id'], ['Kuala Lumpur', 'Malaysia', 'Asia/Kuala_Lumpur', 'ms'], ['Ho Chi Minh City', 'Vietnam', 'Asia/Ho_Chi_Minh', 'vi'], ['Bangkok', 'Thailand', 'Asia/Bangkok', 'th'], ['Cebu', 'Philippines', 'Asia/Manila', 'tl']],
    languages: ['tl', 'id', 'ms', 'vi', 'th'], english: 0.92,
    female: ['Maria Clara', 'Siti', 'Nur Aisyah', 'Linh', 'Ploy', 'Angelica', 'Dewi', 'Thanh Huong', 'Kristine', 'Putri'],
    male: ['Jose Miguel', 'Budi', 'Ahmad', 'Minh', 'Somchai', 'Paolo', 'Rizal', 'Duc Anh', 'Mark Anthony', 'Arif'],
    surnames: ['Santos', 'Reyes', 'Cruz', 'Wijaya', 'Pratama', 'Abdullah', 'Nguyen', 'Tran', 'Srisai', 'Bautista', 'Hidayat', 'Ismail'],
  },
  {
    id: 'africa', weight: 7,
    places: [['Lagos', 'Nigeria', 'Africa/Lagos', 'yo'], ['Nairobi', 'Kenya', 'Africa/Nairobi', 'sw'], ['Accra', 'Ghana', 'Africa/Accra', 'ak'], ['Cape Town', 'South Africa', 'Africa/Johannesburg', 'af'], ['Johannesburg', 'South Africa', 'Africa/Johannesburg', 'zu'], ['Kigali', 'Rwanda', 'Africa/Kigali', 'rw'], ['Cairo', 'Egypt', 'Africa/Cairo', 'ar'], ['Casablanca', 'Morocco', 'Africa/Casablanca', 'ar'], ['Addis Ababa', 'Ethiopia', 'Africa/Addis_Ababa', 'am']],
    languages: ['yo', 'ig', 'sw', 'af', 'zu', 'ar', 'am', 'fr', 'rw'], english: 0.93,
    female: ['Chiamaka', 'Amara', 'Wanjiru', 'Akosua', 'Thandiwe', 'Nomvula', 'Aisha', 'Yasmin', 'Funmilayo', 'Achieng', 'Salma', 'Hana'],
    male: ['Chinedu', 'Tunde', 'Kofi', 'Kwame', 'Sipho', 'Otieno', 'Youssef', 'Omar', 'Emeka', 'Thabo', 'Dawit', 'Jean-Paul'],
    surnames: ['Okonkwo', 'Adeyemi', 'Mensah', 'Boateng', 'Mwangi', 'Kamau', 'Ndlovu', 'Dlamini', 'Haddad', 'El-Sayed', 'Uwimana', 'Bekele', 'Nkosi', 'Eze'],
  },
  {
    id: 'mena', weight: 3,
    places: [['Dubai', 'United Arab Emirates', 'Asia/Dubai', 'ar'], ['Riyadh', 'Saudi Arabia', 'Asia/Riyadh', 'ar'], ['Amman', 'Jordan', 'Asia/Amman', 'ar'], ['Beirut', 'Lebanon', 'Asia/Beirut', 'ar'], ['Tel Aviv', 'Israel', 'Asia/Jerusalem', 'he'], ['Doha', 'Qatar', 'Asia/Qatar', 'ar'], ['Tehran', 'Iran', 'Asia/Tehran', 'fa'], ['Karachi', 'Pakistan', 'Asia/Karachi', 'ur']],
    languages: ['ar', 'he', 'fa', 'ur', 'fr'], english: 0.92,
    female: ['Layla', 'Noura', 'Rania', 'Maryam', 'Dana', 'Shirin', 'Hiba', 'Tamar', 'Sara', 'Ayesha'],
    male: ['Ahmed', 'Khalid', 'Faisal', 'Hassan', 'Omar', 'Reza', 'Yosef', 'Tariq', 'Ali', 'Bilal'],
    surnames: ['Al-Mansouri', 'Haddad', 'Khoury', 'Nasser', 'Saleh', 'Hosseini', 'Levi', 'Qureshi', 'Abbas', 'Farouk', 'Karimi', 'Siddiqui'],
  },
  {
    id: 'oceania', weight: 4,
    places: [['Sydney', 'Australia', 'Australia/Sydney'], ['Melbourne', 'Australia', 'Australia/Melbourne'], ['Brisbane', 'Australia', 'Australia/Brisbane'], ['Perth', 'Australia', 'Australia/Perth'], ['Auckland', 'New Zealand', 'Pacific/Auckland', 'mi'], ['Wellington', 'New Zealand', 'Pacific/Auckland', 'mi'], ['Adelaide', 'Australia', 'Australia/Adelaide']],
    languages: ['mi', 'zh', 'el', 'vi'], english: 1,
    female: ['Chloe', 'Mia', 'Aroha', 'Isla', 'Matilda', 'Ruby', 'Georgia', 'Mere', 'Zoe', 'Jasmine'],
    male: ['Jack', 'Lachlan', 'Tane', 'Cooper', 'Mitchell', 'Hamish', 'Nikau', 'Angus', 'Riley', 'Lucas'],
    surnames: ['Smith', 'Wilson', 'Ngata', 'Te Aroha', 'Nguyen', 'Papadakis', 'Kelly', 'Walker', 'Tane', 'Robertson', 'Mitchell', 'Henare'],
  },
];
